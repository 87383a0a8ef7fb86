// The project's lint rules: ESLint's and typescript-eslint's recommended sets, over the TypeScript
// of src/, migrations/ and tests/. Formatting is Prettier's (package.json "prettier"), not ESLint's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "data/**", "public/**", "coverage/**", "dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.mts"],
    rules: {
      // Unused names are mistakes, except those written with a leading underscore to say so.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", destructuredArrayIgnorePattern: "^_" }],
      // Control characters in regular expressions are the point of the input normalisation.
      "no-control-regex": "off",
    },
  },
);
