// Shared by the differential scripts (parser-differential.mjs, msgpack-differential.mjs): a decoded value as JSON,
// with every Buffer, ArrayBuffer or typed array written {"$bin":"<base64>"}, as Typed's side writes its binary
// placeholders. Dates are left to JSON.stringify, as everything else.
export const withBinaries = (value) => {
  if (Buffer.isBuffer(value) || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    return { $bin: Buffer.from(value instanceof ArrayBuffer ? value : value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)).toString("base64") };
  }
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(withBinaries);
  if (value && typeof value === "object") {
    const copy = {};
    for (const key of Object.keys(value)) copy[key] = withBinaries(value[key]);
    return copy;
  }
  return value;
};
