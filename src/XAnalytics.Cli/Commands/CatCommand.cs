using System.CommandLine;
using System.Text;
using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Sinks;

namespace XAnalytics.Cli.Commands;

/// <summary><c>xanalytics cat INPUT...</c>: the events as JSON lines on stdout, in input order.</summary>
internal static class CatCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("INPUT")
        {
            Description = "Files or directory trees: JSON lines or BSON, gzip or not.",
            Arity = ArgumentArity.OneOrMore,
        };
        var common = new CommonOptions();
        var command = new Command("cat", "Write the events as JSON lines on stdout, in input order, whatever the input format "
            + "(lines that are not events are rejected, not written). "
            + "Exit codes: 0 clean, 1 failed, 2 usage or settings error, 3 finished with rejected lines or bad files, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (nothing published).")
        {
            inputs,
        };
        common.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, async () =>
        {
            XAnalyticsSettings settings = GlobalOptions.Load(result);
            PipelineOptions options = common.ToPipelineOptions(result, settings, result.GetValue(inputs) ?? [], "cat");
            TextWriter output = result.InvocationConfiguration.Output;
            RunResult run;
            if (ReferenceEquals(output, Console.Out))
            {
                // The real stdout: bytes straight to it, no decoding into a TextWriter.
                await using Stream stdout = Console.OpenStandardOutput();
                run = await CommandRunner.RunAsync(result, options, [], new JsonLinesStreamSink(stdout), !result.GetValue(common.NoProgress), ct);
            }
            else
            {
                await using var adapter = new TextWriterStream(output);
                run = await CommandRunner.RunAsync(result, options, [], new JsonLinesStreamSink(adapter), !result.GetValue(common.NoProgress), ct);
            }

            return CommandRunner.Finish(result, run);
        }));
        return command;
    }

    /// <summary>A write-only stream that decodes UTF-8 into a <see cref="TextWriter"/> (for in-process output, as in tests).</summary>
    private sealed class TextWriterStream : Stream
    {
        private readonly TextWriter _writer;
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
        private char[] _chars = new char[4096];

        public TextWriterStream(TextWriter writer) => _writer = writer;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int needed = _decoder.GetCharCount(buffer, flush: false);
            if (_chars.Length < needed)
            {
                _chars = new char[needed];
            }

            int n = _decoder.GetChars(buffer, _chars, flush: false);
            _writer.Write(_chars, 0, n);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() => _writer.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
