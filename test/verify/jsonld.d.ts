// The part of jsonld.js (a devDependency without its own types) the standard-records test uses.
declare module 'jsonld' {
  const jsonld: {
    expand(input: unknown, options?: { documentLoader?: (url: string) => Promise<unknown> }): Promise<unknown[]>;
  };
  export default jsonld;
}
