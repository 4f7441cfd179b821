namespace XAnalytics.Stages.Desensitize;

/// <summary>How usernames become pseudonyms.</summary>
public enum PseudonymScheme
{
    /// <summary>HMAC-SHA256 with <see cref="DesensitizeOptions.Key"/> (<see cref="PseudonymKey"/>): stable across runs, order-free.</summary>
    Keyed,

    /// <summary>
    /// The original toolkit's short tokens <c>a</c>, <c>b</c> ... <c>z</c>, <c>aa</c>, <c>ab</c> ..., given in
    /// first-seen input order (no cap). Deterministic for the same input whatever the thread count, but only
    /// within one run: the stage then runs on one thread and makes the run keep input order.
    /// </summary>
    Sequential,
}
