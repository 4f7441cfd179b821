using System.CommandLine;
using XAnalytics.Cli.Commands;
using XAnalytics.Pipeline;
using XAnalytics.Settings;

namespace XAnalytics.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand(
            "xanalytics: fast analytics over Open edX tracking logs (gzip JSON lines, whole directory trees).\n"
            + "Settings come from /etc/xanalytics[.yaml], ~/.xanalytics[.yaml], --config FILE or $XANALYTICS_CONFIG, then --set key=value.")
        {
            CountCommand.Create(),
            GenerateCommand.Create(),
        };
        root.Options.Add(GlobalOptions.Config);
        root.Options.Add(GlobalOptions.Set);

        ParseResult parsed = root.Parse(args);
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (SettingsException e)
        {
            await Console.Error.WriteLineAsync($"settings: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is FileNotFoundException or FormatException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (BadFileException e)
        {
            await Console.Error.WriteLineAsync($"error: bad file (--strict): {e.Message}");
            return ExitCodes.Failed;
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
