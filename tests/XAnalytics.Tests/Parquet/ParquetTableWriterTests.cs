using DuckDB.NET.Data;
using XAnalytics.Parquet;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Parquet;

/// <summary>The typed Parquet table writer, read back by DuckDB.</summary>
public sealed class ParquetTableWriterTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Complete_ManyRowGroupsWithNulls_DuckDbReadsTypesAndRowsBack()
    {
        string path = _dir.PathOf("t.parquet");
        using (var table = ParquetTableWriter.Create(path,
            [new("day", ParquetColumnType.Date), new("name", ParquetColumnType.Text), new("n", ParquetColumnType.Count, Nullable: false), new("share", ParquetColumnType.Real)],
            new ParquetTableOptions { RowGroupRows = 3 }))
        {
            for (int i = 0; i < 10; i++)
            {
                table.Add(i % 4 == 0 ? null : new DateOnly(2015, 3, 1).AddDays(i));
                table.Add(i % 3 == 0 ? null : $"name, \"{i}\"\n");
                table.Add(i * 1_000_000_000L);
                table.Add(i % 5 == 0 ? null : i / 8.0);
                table.EndRow();
            }

            Assert.False(File.Exists(path)); // published on Complete only
            table.Complete();
            Assert.Equal(10, table.Rows);
        }

        Assert.Equal(["t.parquet"], _dir.ListFiles());
        Assert.Equal(
            [("day", "DATE"), ("name", "VARCHAR"), ("n", "BIGINT"), ("share", "DOUBLE")],
            DuckDb.Describe(path));
        List<object?[]> rows = DuckDb.Rows($"SELECT * FROM read_parquet('{path}')");
        Assert.Equal(10, rows.Count);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(i % 4 == 0 ? null : new DateOnly(2015, 3, 1).AddDays(i), rows[i][0] is DateTime d ? DateOnly.FromDateTime(d) : (DateOnly?)rows[i][0]);
            Assert.Equal(i % 3 == 0 ? null : $"name, \"{i}\"\n", rows[i][1]);
            Assert.Equal(i * 1_000_000_000L, rows[i][2]);
            Assert.Equal(i % 5 == 0 ? null : i / 8.0, rows[i][3]);
        }
    }

    [Fact]
    public void Timestamp_UtcInstantsToTheMicrosecond_DuckDbReadsThemAsTimestampWithTimeZone()
    {
        string path = _dir.PathOf("t.parquet");
        DateTime first = new DateTime(2016, 9, 7, 1, 38, 53, DateTimeKind.Utc).AddTicks(8_892_757); // .8892757: the 7th digit is below a microsecond
        using (var table = ParquetTableWriter.Create(path, [new("seen", ParquetColumnType.Timestamp)]))
        {
            table.Add(first);
            table.EndRow();
            table.Add((DateTime?)null);
            table.EndRow();
            Assert.Throws<ArgumentException>(() => table.Add(new DateTime(2016, 9, 7, 1, 38, 53, DateTimeKind.Local)));
            Assert.Throws<ArgumentException>(() => table.Add(42L));
            table.Add(DateTime.UnixEpoch);
            table.EndRow();
            table.Complete();
        }

        Assert.Equal([("seen", "TIMESTAMP WITH TIME ZONE")], DuckDb.Describe(path));
        List<object?[]> rows = DuckDb.Rows($"SELECT epoch_us(seen) FROM read_parquet('{path}')");
        Assert.Equal([(first.Ticks - DateTime.UnixEpoch.Ticks) / 10, null, 0L], rows.Select(static r => (long?)r[0]));
    }

    [Fact]
    public void Boolean_NullableAndRequired_DuckDbReadsThemAsBoolean()
    {
        string path = _dir.PathOf("t.parquet");
        using (var table = ParquetTableWriter.Create(path,
            [new("flag", ParquetColumnType.Boolean), new("always", ParquetColumnType.Boolean, Nullable: false)], new ParquetTableOptions { RowGroupRows = 2 }))
        {
            bool?[] flags = [true, false, null, true, false];
            foreach (bool? flag in flags)
            {
                table.Add(flag);
                table.Add(flag ?? true);
                table.EndRow();
            }

            Assert.Throws<ArgumentException>(() => table.Add("true"));
            table.Complete();
        }

        Assert.Equal([("flag", "BOOLEAN"), ("always", "BOOLEAN")], DuckDb.Describe(path));
        Assert.Equal(
            [[true, true], [false, false], [null, true], [true, true], [false, false]],
            DuckDb.Rows($"SELECT * FROM read_parquet('{path}')"));
    }

    [Fact]
    public void Dispose_WithoutComplete_LeavesNoFile()
    {
        string path = _dir.PathOf("t.parquet");
        using (var table = ParquetTableWriter.Create(path, [new("a", ParquetColumnType.Text)], new ParquetTableOptions { RowGroupRows = 1 }))
        {
            table.Add("x");
            table.EndRow(); // a row group is on disk, under the temporary name
        }

        Assert.Empty(_dir.ListFiles());
    }

    [Fact]
    public void Add_WrongTypeMissingRequiredOrTooMany_Throws()
    {
        using var table = ParquetTableWriter.Create(_dir.PathOf("t.parquet"), [new("n", ParquetColumnType.Count, Nullable: false)]);
        Assert.Throws<ArgumentException>(() => table.Add("text"));
        Assert.Throws<ArgumentException>(() => table.Add((long?)null));
        Assert.Throws<InvalidOperationException>(table.EndRow);
    }

    [Fact]
    public void Complete_NoRows_DuckDbReadsAnEmptyTypedTable()
    {
        string path = _dir.PathOf("empty.parquet");
        using (var table = ParquetTableWriter.Create(path, [new("day", ParquetColumnType.Date), new("n", ParquetColumnType.Count)]))
        {
            table.Complete();
        }

        Assert.Equal([("day", "DATE"), ("n", "BIGINT")], DuckDb.Describe(path));
        Assert.Empty(DuckDb.Rows($"SELECT * FROM read_parquet('{path}')"));
    }
}
