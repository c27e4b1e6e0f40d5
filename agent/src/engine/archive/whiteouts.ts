/** OCI/AUFS whiteout naming inside layer tarballs (image-spec layer.md). */
export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** AUFS bookkeeping entries (`.wh..wh.plnk`, `.wh..wh.aufs`): never content */
export const AUFS_META_PREFIX = '.wh..wh.';
/** the xattr overlayfs reads on an upper/lower directory that hides everything below it */
export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';
