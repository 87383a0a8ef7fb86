/** Types of packages that ship none this project can read. */
declare module "myanmar-tools" {
  export class ZawgyiDetector {
    getZawgyiProbability(text: string): number;
  }
  export class ZawgyiConverter {
    zawgyiToUnicode(text: string): string;
    unicodeToZawgyi(text: string): string;
  }
}
// The package's subpath exports carry their own types, which this project's module resolution does not read.
declare module "@orama/stemmers/english" {
  export function stemmer(word: string): string;
}
declare module "@orama/stemmers/indonesian" {
  export function stemmer(word: string): string;
}
