// Lint: promises nobody awaits (an error lost, or work racing a commit) and unused code, with the type
// information tsc already has. Type errors are tsc's job and style is Prettier's (.prettierrc.json): this
// file turns on only the rules that catch what neither does.
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "dist/", "coverage/", "bench/out/"] },
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.base],
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Promises: awaited, returned, or marked `void` with a comment saying why nobody waits.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // Unused code: imports, variables, private members, values computed and never read, unreachable lines.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      "@typescript-eslint/no-unused-expressions": "error",
      "no-unused-private-class-members": "error",
      "no-useless-assignment": "error",
      "no-unreachable": "error",
      "no-unused-labels": "error",
    },
  },
);
