using System.Text;

namespace XAnalytics.Cli.Output;

/// <summary>
/// Where a command's table goes: stdout, or a file given with <c>--output</c> that is written under a temporary name
/// beside it (<c>.NAME.PID.tmp</c>) and renamed into place by <see cref="Complete"/>, as the rejects file and Parquet
/// tables are, so a reader never sees half a table. Disposed without <see cref="Complete"/> (a failed or cancelled
/// run), the temporary file is deleted.
/// </summary>
internal sealed class TableDestination : IDisposable
{
    private readonly string? _temp;
    private readonly StreamWriter? _file;
    private bool _completed;

    private TableDestination(TableFormat format, string? path, TextWriter stdout)
    {
        Format = format;
        Path = path;
        if (path is null)
        {
            Text = stdout;
            return;
        }

        if (format == TableFormat.Parquet)
        {
            Text = TextWriter.Null; // the Parquet writer makes its own temporary file
            return;
        }

        _temp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, $".{System.IO.Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        _file = new StreamWriter(_temp, append: false, new UTF8Encoding(false), 1 << 16);
        Text = _file;
    }

    /// <summary>The table's format.</summary>
    public TableFormat Format { get; }

    /// <summary>The file the table is published as; null for stdout.</summary>
    public string? Path { get; }

    /// <summary>Where text formats write (stdout or the temporary file).</summary>
    public TextWriter Text { get; }

    /// <summary>
    /// The destination of <paramref name="format"/>: <paramref name="path"/> when given (made absolute), else stdout.
    /// </summary>
    /// <exception cref="ArgumentException">Parquet without a file: it is a binary format with its footer at the end.</exception>
    public static TableDestination Open(TableFormat format, string? path, TextWriter stdout)
    {
        if (format == TableFormat.Parquet && path is null)
        {
            throw new ArgumentException("--format parquet writes a file: name it with --output FILE.");
        }

        return new TableDestination(format, path is null ? null : System.IO.Path.GetFullPath(path), stdout);
    }

    /// <summary>
    /// Where a text table can be written as UTF-8 bytes: the file's stream (after what <see cref="Text"/> holds),
    /// stdout's own stream, or a stream that decodes into <see cref="Text"/> (a test's writer). Dispose the stream when
    /// <paramref name="owned"/>; flush it in any case.
    /// </summary>
    public Stream OpenBytes(out bool owned)
    {
        if (Text is StreamWriter writer)
        {
            writer.Flush();
            owned = false;
            return writer.BaseStream;
        }

        owned = true;
        if (ReferenceEquals(Text, Console.Out))
        {
            Text.Flush();
            return Console.OpenStandardOutput();
        }

        return new TextWriterStream(Text);
    }

    /// <summary>Publishes a text table written to a file (flushed, renamed into place); stdout is flushed.</summary>
    public void Complete()
    {
        if (_file is null)
        {
            Text.Flush();
            _completed = true;
            return;
        }

        _file.Flush();
        _file.BaseStream.Flush();
        _file.Dispose();
        File.Move(_temp!, Path!, overwrite: true);
        _completed = true;
    }

    public void Dispose()
    {
        if (_file is null || _completed)
        {
            return;
        }

        _file.Dispose();
        File.Delete(_temp!);
    }
}
