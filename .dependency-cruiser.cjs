// The core and the store never import a platform SDK or an adapter (../shared/DESIGN.md, Boundaries); the
// generic core imports no capability (capabilities plug in through src/core/capability.ts); adapters never
// import the store; no import circles.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-imports-no-platform-sdk",
      comment: "src/core, src/capabilities and src/store stay platform-neutral: no @slack/*, no Microsoft 365 Agents SDK (@microsoft/agents-*), no botbuilder*",
      severity: "error",
      from: { path: "^src/(core|capabilities|store)/" },
      to: { path: "(^|/)node_modules/(@slack/|@microsoft/agents|botbuilder|botframework)" },
    },
    {
      name: "core-imports-no-adapter",
      comment: "adapters depend on the core, never the other way round",
      severity: "error",
      from: { path: "^src/(core|store)/" },
      to: { path: "^adapters/" },
    },
    {
      name: "adapters-import-no-store",
      comment: "adapters reach the database through src/core/index.ts (the core's one surface), never src/store directly",
      severity: "error",
      from: { path: "^adapters/" },
      to: { path: "^src/store/" },
    },
    {
      name: "core-imports-no-capability",
      comment:
        "src/core is generic: a capability plugs in through the Capability object it hands the desk (src/core/capability.ts), so adding one touches no core file.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^src/capabilities/" },
    },
    {
      name: "adapters-use-capability-surfaces",
      comment: "an adapter reaches a capability through its surface (index, view, form, model, cards, format, groups), never its repository, tables or hooks",
      severity: "error",
      from: { path: "^adapters/" },
      to: { path: "^src/capabilities/", pathNot: "^src/capabilities/[^/]+/(index|view|form|model|cards|format|groups)\\.ts$" },
    },
    {
      name: "no-circular",
      comment: "no import circles in src/ or adapters/, type-only imports included: a circle means two files that cannot be read, tested or moved apart",
      severity: "error",
      from: { path: "^(src|adapters)/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".json"],
    },
  },
};
