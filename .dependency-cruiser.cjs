// Import rules (npm run lint): the parts of docs/ARCHITECTURE.md point inwards. A rule broken
// here fails the lint, and so `npm test`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "No import cycle in src/ or web/ (type-only imports included).",
      severity: "error",
      from: { path: "^(src|web)/" },
      to: { circular: true },
    },
    {
      name: "protocol-imports-nothing",
      comment: "src/protocol is the shared vocabulary: it imports no other part.",
      severity: "error",
      from: { path: "^src/protocol/" },
      to: { path: "^src/", pathNot: "^src/protocol/" },
    },
    {
      name: "control-imports-only-protocol",
      comment: "The domain imports only src/protocol (and itself): no framework, driver or adapter.",
      severity: "error",
      from: { path: "^src/control/" },
      to: { path: "^src/", pathNot: "^src/(control|protocol)/" },
    },
    {
      name: "control-no-packages",
      comment: "The domain uses no npm package (its rules run in microseconds in unit tests).",
      severity: "error",
      from: { path: "^src/control/" },
      to: { dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "media-not-outwards",
      comment:
        "The media plane does not know the API, the trunks, the cluster or storage (its tests may build what they test with).",
      severity: "error",
      from: { path: "^src/media/", pathNot: "\\.test\\.ts$" },
      to: { path: "^src/(api|telephony|storage|cluster|webhooks)/|^src/(app|server|config)\\.ts$" },
    },
    {
      name: "telephony-through-ports",
      comment:
        "Trunks reach the media plane and the control plane only through control's ports: no media internals, storage, API or config.ts.",
      severity: "error",
      from: { path: "^src/telephony/", pathNot: "\\.test\\.ts$" },
      to: { path: "^src/(media|storage|api|cluster|webhooks)/|^src/(app|server|config)\\.ts$" },
    },
    {
      name: "web-imports-web-and-protocol",
      comment: "The browser app imports only web/ and src/protocol.",
      severity: "error",
      from: { path: "^web/" },
      to: { path: "^src/", pathNot: "^src/protocol/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)node_modules/|^web/dist/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs"] },
  },
};
