// Next's ambient types (CSS imports, images), referenced here rather than through next-env.d.ts:
// Next rewrites that file at build time to import .next/types, which a fresh clone lacks.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
