// Vite's `?raw` imports (file contents as a string), used to compare shown code with the code that runs.
declare module '*?raw' {
  const content: string;
  export default content;
}
