// The `plist` package ships no types; this is the one function Countersign uses.
declare module 'plist' {
  const plist: { parse(xml: string): unknown }
  export default plist
}
