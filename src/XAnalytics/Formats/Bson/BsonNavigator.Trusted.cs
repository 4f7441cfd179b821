using System.Buffers.Binary;

namespace XAnalytics.Formats.Bson;

/// <content>
/// The index of a document whose chunk's hash matched its manifest before any of its documents was used: the
/// top-level elements alone, each nested document or array stepped over by its length prefix.
/// </content>
internal static partial class BsonNavigator
{
    /// <summary>
    /// Records where each top-level element of <paramref name="document"/> stands, as
    /// <see cref="TryValidate(ReadOnlySpan{byte}, out string, out ReadOnlySpan{TopField})"/> does, without looking
    /// inside nested documents, arrays or strings. For a document of a chunk whose XXH3 matched its manifest (so
    /// written by this tool, which writes only documents that pass the full check): the hash vouches for the rest.
    /// False at anything out of the ordinary, and the caller then runs the full check for the verdict and its
    /// detail.
    /// </summary>
    /// <remarks>
    /// The walk relies on nothing the hash vouches for: every read is a bounds-checked span read, and the top-level
    /// framing is checked as the full check checks it (each name ends inside the document, each length prefix fits
    /// its element and a nested one ends with its NUL, the elements end exactly at the document's final NUL), so the
    /// recorded offsets always lie inside the document even under a manifest forged to match damaged bytes. What it
    /// leaves unchecked (the inside of nested values, the UTF-8 of names and strings) is what a forged manifest can
    /// get past it; the readers of fields and the conversion to JSON check what they step on (see
    /// <see cref="TryFind"/>).
    /// </remarks>
    public static bool TryIndexTrusted(ReadOnlySpan<byte> document, out ReadOnlySpan<TopField> topLevel)
    {
        topLevel = default;
        int n = document.Length;
        if (n < 5 || BinaryPrimitives.ReadInt32LittleEndian(document) != n || document[n - 1] != 0)
        {
            return false;
        }

        TopField[] top = s_top ??= new TopField[64];
        int topCount = 0;
        ReadOnlySpan<byte> body = document[..(n - 1)]; // without the final NUL: a name's NUL must lie inside
        int at = 4;
        while (at < body.Length)
        {
            byte type = body[at];
            int nameAt = at + 1;
            int nul = NameEnd(body, nameAt, out _);
            if (nul < 0)
            {
                return false;
            }

            int valueAt = nul + 1;
            int left = body.Length - valueAt;
            int size;
            switch (type)
            {
                case 0x02:
                case 0x0D:
                case 0x0E:
                    if (left < 4)
                    {
                        return false;
                    }

                    int stringLength = BinaryPrimitives.ReadInt32LittleEndian(body[valueAt..]);
                    if (stringLength < 1 || stringLength > left - 4 || body[valueAt + 3 + stringLength] != 0)
                    {
                        return false;
                    }

                    size = 4 + stringLength;
                    break;
                case 0x03:
                case 0x04:
                    if (left < 5)
                    {
                        return false;
                    }

                    size = BinaryPrimitives.ReadInt32LittleEndian(body[valueAt..]);
                    if (size < 5 || size > left || body[valueAt + size - 1] != 0)
                    {
                        return false;
                    }

                    break;
                default:
                    // A regular expression (0x0B), or a type with no JSON form: the full check decides.
                    if (!TryPlainSize(type, body.Slice(valueAt, left), out size))
                    {
                        return false;
                    }

                    break;
            }

            if (left < size)
            {
                return false;
            }

            Record(top, ref topCount, nameAt, valueAt, size);
            at = valueAt + size;
        }

        // at == body.Length here: each step stays inside the body and the loop ends only there.
        if (topCount > top.Length)
        {
            s_top = top = new TopField[topCount];
            topCount = 0;
            at = 4;
            while (at < body.Length)
            {
                NextElement(document, ref at, out _, out int nameAt, out int valueAt);
                Record(top, ref topCount, nameAt, valueAt, at - valueAt);
            }
        }

        topLevel = top.AsSpan(0, topCount);
        return true;
    }
}
