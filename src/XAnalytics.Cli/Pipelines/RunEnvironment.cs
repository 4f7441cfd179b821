using System.CommandLine;
using XAnalytics.Settings;

namespace XAnalytics.Cli.Pipelines;

/// <summary>What a step's factory may use besides its options.</summary>
internal sealed record RunEnvironment(XAnalyticsSettings Settings, ParseResult Parse);
