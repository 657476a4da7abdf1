/**
 * The wire format of proc's codec. Every message starts with one header byte:
 *
 *   0x50            body follows
 *   0x51            a module table follows (varint count, then each URL as a string), then body
 *
 * The module table lists the modules whose exports rebuild reduced values, so a receiver can
 * import them all before decoding and then decode exactly once (rebuilders have side effects).
 *
 * A value is one tag byte, optionally followed by a payload. Small ints, short strings and
 * small containers carry their size in the tag itself so the common case is one byte of
 * overhead. Multi-byte numbers are little-endian.
 */

export const HEADER_PLAIN = 0x50;
export const HEADER_MODULES = 0x51;

// 0x00-0x7f: the ints 0..127.
export const POSFIX_MAX = 0x7f;
// 0x80-0x9f: a string of 0..31 UTF-8 bytes.
export const FIXSTR = 0x80;
export const FIXSTR_MAX = 31;
// 0xa0-0xaf: an array of 0..15 items.
export const FIXARRAY = 0xa0;
export const FIXARRAY_MAX = 15;
// 0xb0-0xbf: a plain object of 0..15 entries.
export const FIXOBJECT = 0xb0;
export const FIXOBJECT_MAX = 15;

export const NULL = 0xc0;
export const UNDEFINED = 0xc1;
export const FALSE = 0xc2;
export const TRUE = 0xc3;
/** int32 (4 bytes). */
export const INT32 = 0xc4;
/** float64 (8 bytes): every other number, including -0, NaN and the infinities. */
export const FLOAT64 = 0xc5;
/** string, u8 byte length. */
export const STR8 = 0xc6;
/** string, u32 byte length. */
export const STR32 = 0xc7;
/** array, u32 length, items. */
export const ARRAY = 0xc8;
/** plain object, u32 entry count, key/value pairs (keys are strings). */
export const OBJECT = 0xc9;
/** bigint: a string of hex digits (a leading '-' for negatives). */
export const BIGINT = 0xca;
/** Date: float64 time value. */
export const DATE = 0xcb;
/** RegExp: source string, flags string. */
export const REGEXP = 0xcc;
/** Map: u32 size, key/value pairs. */
export const MAP = 0xcd;
/** Set: u32 size, items. */
export const SET = 0xce;
/** binary: a BIN_* kind byte, u32 byte length, bytes. */
export const BINARY = 0xcf;
/** a back reference to an earlier object: varint index in encounter order. */
export const REF = 0xd0;
/** Error: see `error-codec.ts`. */
export const ERROR = 0xd1;
/** registered class, default reduce: id string, u32 entry count, key/value pairs. */
export const CLASS_PROPS = 0xd2;
/** registered class, custom reduce: id string, state value. */
export const CLASS_STATE = 0xd3;
/** reduced value (`[reduceSymbol]`): varint module index, export name string, state value. */
export const REDUCED = 0xd4;
/** boxed primitive (`new String('x')`, ...): the primitive value. */
export const BOXED = 0xd5;
/** array of numbers only (see `packed.ts`): a PACK_* kind byte, u32 length, the elements. */
export const PACKED = 0xd6;
// 0xe0-0xff: the ints -32..-1.
export const NEGFIX = 0xe0;

// Kinds of BINARY. The order is part of the format.
export const BIN_BUFFER = 0;
export const BIN_UINT8 = 1;
export const BIN_ARRAYBUFFER = 2;
export const BIN_DATAVIEW = 3;
export const BIN_INT8 = 4;
export const BIN_UINT8C = 5;
export const BIN_INT16 = 6;
export const BIN_UINT16 = 7;
export const BIN_INT32 = 8;
export const BIN_UINT32 = 9;
export const BIN_FLOAT32 = 10;
export const BIN_FLOAT64 = 11;
export const BIN_BIGINT64 = 12;
export const BIN_BIGUINT64 = 13;

// Kinds of PACKED: the element type, little-endian. The order is part of the format.
export const PACK_U8 = 0;
export const PACK_I16 = 1;
export const PACK_I32 = 2;
export const PACK_F64 = 3;
