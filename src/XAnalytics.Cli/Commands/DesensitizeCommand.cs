using System.CommandLine;
using XAnalytics.Cli.Output;
using XAnalytics.Pipeline;
using XAnalytics.Settings;
using XAnalytics.Stages;
using XAnalytics.Stages.Desensitize;

namespace XAnalytics.Cli.Commands;

/// <summary>
/// <c>xanalytics desensitize IN OUT</c>: parse, filter (by date and the other filters), decode browser events,
/// remove redundant context, desensitize, and write parts.
/// </summary>
internal static class DesensitizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "Tracking logs: a file or a directory tree (JSON lines or BSON, gzip or not)." };
        var output = new Argument<string>("OUT") { Description = "Output folder: parts of at most 'max-file-size' events and manifest.json." };
        var profile = new Option<DesensitizeProfile>("--profile")
        {
            Description = "default: drop agent, ip, host, user_id, session (top level and context) and event.csrfmiddlewaretoken, event.session; "
                + "strict: also page, referer, accept_language, context.path/client_id/ip, event.GET/POST/url, and e-mail addresses and phone numbers in free text.",
            DefaultValueFactory = _ => DesensitizeProfile.Default,
        };
        var keyFile = new Option<FileInfo?>("--key-file")
        {
            Description = "The secret key for pseudonyms (HMAC-SHA256 of the username): a file holding hex or base64, or raw bytes (at least 16). "
                + "Default: settings 'pseudonym-key-file', else $XANALYTICS_PSEUDONYM_KEY.",
        };
        var pseudonyms = new Option<PseudonymScheme>("--pseudonyms")
        {
            Description = "keyed (default; the same username gets the same pseudonym on every run and machine) or sequential "
                + "(short letter tokens in first-seen input order; one run's numbering, no key needed).",
            DefaultValueFactory = _ => PseudonymScheme.Keyed,
        };
        var drop = new Option<string[]>("--drop") { Description = "Also remove this field (a path like context.foo). Repeatable; adds to the setting desensitize-drop." };
        var keep = new Option<string[]>("--keep") { Description = "Keep this field although the profile removes it. Repeatable; adds to the setting desensitize-keep." };
        var parts = new OutputParts();
        var common = new CommonOptions();
        var filters = new FilterOptions();
        var command = new Command("desensitize", "Remove data analytics does not need and replace usernames with keyed pseudonyms, "
            + "so that nobody meets a learner they know in the output. "
            + "Exit codes: 0 clean, 1 failed, 2 usage or settings error (no key: an error, never an unkeyed hash), 3 finished with rejected lines or bad files, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (nothing published).")
        {
            input,
            output,
            profile,
            keyFile,
            pseudonyms,
            drop,
            keep,
        };
        parts.AddTo(command);
        common.AddTo(command);
        filters.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.GuardAsync(result, async () =>
        {
            XAnalyticsSettings settings = GlobalOptions.Load(result);
            DesensitizeOptions fromSettings = settings.ToDesensitizeOptions(
                result.GetValue(profile), result.GetValue(pseudonyms), result.GetValue(keyFile) is { } key ? PathChecks.ReadableFile(key, keyFile.Name) : null);
            DesensitizeOptions desensitize = fromSettings with
            {
                DropFields = [.. fromSettings.DropFields, .. result.GetValue(drop) ?? []],
                KeepFields = [.. fromSettings.KeepFields, .. result.GetValue(keep) ?? []],

                // What the remove-redundant stage does, in desensitize's own pass over the context.
                RemoveRedundant = new RemoveRedundantOptions(),
            };
            string outDir = result.GetValue(output)!;
            PipelineOptions options = CommonOptions.Excluding(filters.Apply(result, common.ToPipelineOptions(result, settings, [result.GetValue(input)!], "desensitize")), outDir);
            IEventStage[] stages =
            [
                .. filters.Stages(result),

                // One stage: desensitize decodes browser events and drops redundant context itself, with the same
                // output as decode-browser-event and remove-redundant before it (a test holds it to that), reading
                // each browser payload and each context once instead of twice. See the commits for the figures.
                DesensitizeStage.Create(desensitize),
            ];
            var (sink, written) = parts.Create(result, settings, outDir);
            RunResult run = await CommandRunner.RunAsync(result, options, stages, sink, !result.GetValue(common.NoProgress), ct);
            await OutputParts.ReportAsync(result, "desensitize", outDir, written());
            return CommandRunner.Finish(result, run, filters.Describe(result));
        }));
        return command;
    }
}
