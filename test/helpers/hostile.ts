// Strings a person might type that must be shown, never obeyed, wherever the desk shows them: every outbound
// renderer of every platform (Slack blocks and fallback text, Teams cards and text, the console) takes them.
// Each entry says what it tries, so a failing check names the attack.

export interface Hostile {
  name: string;
  text: string;
}

export const HOSTILE: readonly Hostile[] = [
  { name: "slack broadcast mentions", text: "<!channel> <!here> <!everyone> wifi down" },
  { name: "slack user mention", text: "ping <@U0ADMIN1> and <@U0ADMIN2|boss>" },
  { name: "slack disguised link", text: "<https://evil.example|click here> to fix vpn" },
  { name: "slack group and channel tokens", text: "<!subteam^S0123|@oncall> in <#C0123|general>" },
  { name: "entities typed literally", text: "&lt;!channel&gt; and &amp;lt;b&amp;gt;" },
  { name: "markdown link", text: "[reset your password](https://evil.example/phish)" },
  { name: "markdown image", text: "![x](https://evil.example/pixel.png)" },
  { name: "markdown emphasis and code", text: "*bold* _it_ ~strike~ `code` ```block```" },
  { name: "adaptive card template function", text: "due {{DATE(2017-02-14T06:08:39Z, SHORT)}} at {{TIME(2017-02-14T06:08:39Z)}}" },
  { name: "adaptive card data binding", text: "${$root.secret} ${title}" },
  { name: "html", text: "<b>bold</b><script>alert(1)</script><img src=x onerror=alert(1)>" },
  { name: "ansi escapes", text: "\u001b[2J\u001b[31mred\u001b[0m \u001b]0;pwned\u0007title" },
  { name: "nul and control characters", text: "nul\u0000here\u0008bs\u000bvt\u007fdel" },
  { name: "right-to-left override", text: "invoice\u202Egpj.exe \u2066isolated\u2069" },
  { name: "4-byte emoji", text: "printer 🖨️ on fire 🔥 👩🏽‍💻" },
];

/** Control characters a terminal or a store must never receive from a person (newline and tab are text). */
export const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
