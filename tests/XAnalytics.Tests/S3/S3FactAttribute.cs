namespace XAnalytics.Tests.S3;

/// <summary>A fact that needs the local S3 server: reported as skipped, with how to install it, where it is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (S3Server.Script is null)
        {
            Skip = S3Server.SkipReason;
        }
    }
}
