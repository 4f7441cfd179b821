using System.Buffers;
using System.Text;

namespace XAnalytics.Aggregates;

/// <summary>The counts of a run.</summary>
/// <param name="Events">Events counted.</param>
/// <param name="DistinctUsers">Distinct non-empty usernames (computed when counting without fields; 0 otherwise).</param>
/// <param name="Rows">Counts per distinct value, most frequent first, then by value; null when counting without fields.</param>
public sealed record CountResult(long Events, long DistinctUsers, IReadOnlyList<CountRow>? Rows)
{
    /// <summary>
    /// Hands every row of <see cref="Rows"/> to <paramref name="visitor"/>, in order, as UTF-8 bytes. The rows of a
    /// count's own result are read from the bytes the count kept, without a string or a row object per value;
    /// other rows are encoded one value at a time. Nothing happens when <see cref="Rows"/> is null.
    /// </summary>
    public void VisitRows(ICountRowVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        if (Rows is CountRows counted)
        {
            counted.Visit(visitor);
            return;
        }

        if (Rows is null)
        {
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            foreach (CountRow row in Rows)
            {
                for (int i = 0; i < row.Values.Count; i++)
                {
                    if (row.Values[i] is not { } value)
                    {
                        visitor.Value(default, CountValueKind.Missing);
                        continue;
                    }

                    int length = Encoding.UTF8.GetMaxByteCount(value.Length);
                    if (length > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(length);
                    }

                    int written = Encoding.UTF8.GetBytes(value, buffer);
                    bool isJson = row.IsJson.Count > i && row.IsJson[i];
                    visitor.Value(buffer.AsSpan(0, written), isJson ? CountValueKind.Json : CountValueKind.Text);
                }

                visitor.EndRow(row.Count);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
