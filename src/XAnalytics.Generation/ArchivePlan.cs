using System.Globalization;

namespace XAnalytics.Generation;

/// <summary>
/// Spreads files over servers and days the way logrotate does: each server rotates its
/// <c>tracking.log</c> at window ends (midnight when windows are whole days) and names the
/// rotated file after the rotation date and its Unix time a second or so later.
/// </summary>
internal static class ArchivePlan
{
    public static List<FilePlan> Build(GeneratorOptions options)
    {
        int servers = options.Servers!.Value;
        int files = options.Files;
        long start = new DateTimeOffset(options.Start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        long span = options.Days * 86_400L;
        var plans = new List<FilePlan>(files);
        for (int s = 0; s < servers; s++)
        {
            int n = (files / servers) + (s < files % servers ? 1 : 0);
            long lines = (options.Events / servers) + (s < options.Events % servers ? 1 : 0);
            string server = "prod-edxapp-" + (s + 1).ToString("000", CultureInfo.InvariantCulture);
            var bounds = new long[n + 1];
            for (int k = 0; k <= n; k++)
            {
                bounds[k] = n <= options.Days
                    ? start + (k * (long)options.Days / n * 86_400L)
                    : start + (k * span / n);
            }

            double total = Activity.Integral(bounds[0], bounds[n]);
            double cumulative = 0;
            long assigned = 0;
            for (int k = 0; k < n; k++)
            {
                cumulative += Activity.Integral(bounds[k], bounds[k + 1]);
                long upTo = k == n - 1 ? lines : (long)Math.Round(lines * cumulative / total);
                int index = plans.Count;
                ulong seed = Rng.Derive(options.Seed, 1_000 + (ulong)index);
                ulong delay = 1 + (seed % 3);
                long rotated = bounds[k + 1] + (long)delay;
                string date = DateTimeOffset.FromUnixTimeSeconds(bounds[k + 1]).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
                string name = $"tracking.log-{date}-{rotated.ToString(CultureInfo.InvariantCulture)}.gz";
                plans.Add(new FilePlan(
                    index,
                    server,
                    System.IO.Path.Combine(options.OutputDirectory, server, name),
                    bounds[k],
                    bounds[k + 1],
                    upTo - assigned,
                    seed));
                assigned = upTo;
            }
        }

        return plans;
    }
}
