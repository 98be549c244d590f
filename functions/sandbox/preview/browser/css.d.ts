/** The bundler loads stylesheets as text (esbuild `loader: {'.css': 'text'}`); the page injects them. */
declare module '*.css' {
  const text: string;
  export default text;
}
