import pkg from "@/package.json";

/** Cairn's version, from package.json. */
export const CAIRN_VERSION: string = pkg.version;
