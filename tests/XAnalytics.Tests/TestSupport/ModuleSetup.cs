using System.Runtime.CompilerServices;
using XAnalytics.Events;
using XAnalytics.Formats.Json;

namespace XAnalytics.Tests.TestSupport;

/// <summary>Switches on the engine's self-checks that are too costly for production runs.</summary>
internal static class ModuleSetup
{
#pragma warning disable CA2255 // A test assembly is the one place a module initializer belongs.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        EventBatch.VerifyWrittenLayouts = true;
        EventIndexer.VerifyFastPath = true;
    }
}
