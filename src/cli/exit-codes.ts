/** Exit codes of the CLI (documented in the README "Exit codes"). */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;
export const EXIT_INPUT = 3;
export const EXIT_STORE = 4;
