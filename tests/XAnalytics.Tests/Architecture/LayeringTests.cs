using System.Text.RegularExpressions;
using XAnalytics.Tests.TestSupport;

namespace XAnalytics.Tests.Architecture;

/// <summary>
/// Keeps the source tree's dependencies running one way, from the codecs up to the command line (README, "Layout"):
/// every <c>using XAnalytics.*</c>, every fully qualified <c>XAnalytics.*.</c> name and every namespace-relative
/// qualified name (<c>Sources.GzipCrc</c>) in a file must point at its own layer or one below it.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>
    /// The layers, lowest first. Namespaces on one row are peers: neither may use the other. A namespace not
    /// listed is an error, so a new folder has to be placed here on purpose.
    /// </summary>
    private static readonly string[][] s_layers =
    [
        ["XAnalytics.Internal"],
        ["XAnalytics.Formats"],
        ["XAnalytics.Formats.Json", "XAnalytics.Formats.Bson"],
        ["XAnalytics.Events"],
        ["XAnalytics.Pipeline"],
        ["XAnalytics.Sources", "XAnalytics.Stages"],
        ["XAnalytics.Stages.Desensitize"],
        ["XAnalytics.Aggregates"],
        ["XAnalytics.Sinks", "XAnalytics.Ordering", "XAnalytics.Incremental"],
        ["XAnalytics.Learners"],
        ["XAnalytics"],
        ["XAnalytics.Settings"],
        ["XAnalytics.Generation", "XAnalytics.Reports.Reference", "XAnalytics.Parquet", "XAnalytics.S3"],
        ["XAnalytics.Reports"],
        ["XAnalytics.Reports.Learners"],
        ["XAnalytics.Cli.Terminal", "XAnalytics.Cli.Output"],
        ["XAnalytics.Cli.Pipelines"],
        ["XAnalytics.Cli.Commands"],
        ["XAnalytics.Cli"],
    ];

    [Fact]
    public void Sources_UseOnlyTheirOwnLayerOrBelow()
    {
        string src = SourceRoot();
        var violations = new List<string>();
        foreach (string file in SourceFiles(src))
        {
            string text = File.ReadAllText(file);
            string relative = Path.GetRelativePath(src, file);
            Match declared = NamespaceDeclaration().Match(text);
            Assert.True(declared.Success, $"{relative} declares no file-scoped namespace");
            string own = declared.Groups[1].Value;
            int ownLayer = LayerOf(own);
            Assert.True(ownLayer >= 0, $"{relative}: namespace {own} is in no layer of LayeringTests.s_layers");

            foreach (string used in UsedNamespaces(text, own))
            {
                if (used == own || own.StartsWith(used + ".", StringComparison.Ordinal))
                {
                    continue; // its own namespace, or one that encloses it (seen without a using anyway)
                }

                int usedLayer = LayerOf(used);
                if (usedLayer < 0)
                {
                    violations.Add($"{relative}: {own} uses {used}, which is in no layer");
                }
                else if (usedLayer >= ownLayer)
                {
                    violations.Add($"{relative}: {own} (layer {ownLayer}) uses {used} (layer {usedLayer})");
                }
            }
        }

        Assert.True(violations.Count == 0, "Arrows running back up or sideways:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void UsedNamespaces_FindsUsingsQualifiedAndRelativeNames()
    {
        // The scanner itself: a test that could never see an arrow would pass on any tree.
        const string Text = """
            using XAnalytics.Events;
            using static XAnalytics.Internal.KeyHash;
            namespace XAnalytics.Formats.Json;
            internal static class X
            {
                // XAnalytics.Sinks.Nothing in a comment does not count
                void M() { _ = global::XAnalytics.Pipeline.RejectReasons.NotJson; _ = Stages.FilterStage.Create(null!); _ = "Sources.Nope"; }
            }
            """;
        string[] used = [.. UsedNamespaces(Text, "XAnalytics.Formats.Json").Order(StringComparer.Ordinal)];
        Assert.Equal(["XAnalytics.Events", "XAnalytics.Internal", "XAnalytics.Pipeline", "XAnalytics.Stages"], used);
    }

    [Fact]
    public void Sources_HoldOneTopLevelTypeEach_NamedAfterTheFile()
    {
        string src = SourceRoot();
        var violations = new List<string>();
        foreach (string file in SourceFiles(src))
        {
            string relative = Path.GetRelativePath(src, file);
            string expected = Path.GetFileName(file).Split('.')[0];
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match m in TopLevelType().Matches(File.ReadAllText(file)))
            {
                names.Add(m.Groups[1].Value);
            }

            if (names.Count > 1 || (names.Count == 1 && !names.Contains(expected)))
            {
                violations.Add($"{relative}: {string.Join(", ", names)}");
            }
        }

        Assert.True(violations.Count == 0, "Files whose types do not match their name:\n" + string.Join("\n", violations));
    }

    private static int LayerOf(string ns)
    {
        for (int i = 0; i < s_layers.Length; i++)
        {
            if (Array.IndexOf(s_layers[i], ns) >= 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The XAnalytics namespaces a file refers to, comments and strings left out.</summary>
    internal static IEnumerable<string> UsedNamespaces(string text, string own)
    {
        string code = CommentOrString().Replace(text, " ");
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in UsingDirective().Matches(code))
        {
            found.Add(NamespacePart(m.Groups[1].Value));
        }

        foreach (Match m in QualifiedName().Matches(code))
        {
            found.Add(NamespacePart(m.Groups[1].Value));
        }

        // A namespace-relative name (Sources.GzipCrc inside namespace XAnalytics): resolve it against the file's
        // enclosing namespaces, as the compiler does, and keep it where it names a known namespace.
        foreach (Match m in RelativeName().Matches(code))
        {
            for (string? scope = own; scope is not null; scope = Parent(scope))
            {
                string candidate = NamespacePart(scope + "." + m.Groups[1].Value);
                if (LayerOf(candidate) >= 0 && candidate != scope)
                {
                    found.Add(candidate);
                    break;
                }
            }
        }

        found.Remove(own);
        return found;
    }

    /// <summary>The longest known namespace that prefixes a dotted name (XAnalytics.Formats.Json.X gives XAnalytics.Formats.Json).</summary>
    private static string NamespacePart(string dotted)
    {
        string best = dotted;
        for (string? part = dotted; part is not null; part = Parent(part))
        {
            if (LayerOf(part) >= 0)
            {
                return part;
            }

            best = part;
        }

        return best;
    }

    private static string? Parent(string ns)
    {
        int dot = ns.LastIndexOf('.');
        return dot < 0 ? null : ns[..dot];
    }

    private static string SourceRoot()
        => Path.Combine(RepoPaths.Root ?? throw new InvalidOperationException("The tests run outside a checkout."), "src");

    private static IEnumerable<string> SourceFiles(string src)
    {
        foreach (string file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(src, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal)
                || Path.GetFileName(file) == "AssemblyInfo.cs")
            {
                continue;
            }

            yield return file;
        }
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*using (?:static )?(?:\w+ = )?(?:global::)?(XAnalytics(?:\.\w+)*);", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"(?<![\w.])(?:global::)?(XAnalytics(?:\.\w+)+)")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"(?<![\w.])((?:Internal|Formats|Events|Pipeline|Sources|Stages|Sinks|Aggregates|Settings|Reports|Generation|Cli)(?:\.[A-Z]\w*)+)")]
    private static partial Regex RelativeName();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|""""""[\s\S]*?""""""|@""(?:[^""]|"""")*""|""(?:[^""\\\n]|\\.)*""|'(?:[^'\\\n]|\\.)'", RegexOptions.Singleline)]
    private static partial Regex CommentOrString();

    [GeneratedRegex(@"^(?:public |internal |file )(?:[\w]+ )*?(?:class|struct|interface|enum|record(?: struct| class)?|delegate [^(]+?) (\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();
}
