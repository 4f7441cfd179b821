namespace XAnalytics.Stages.Desensitize;

/// <summary>Which fields <see cref="DesensitizeStage"/> removes, and whether it scrubs free text.</summary>
public enum DesensitizeProfile
{
    /// <summary>Removes <see cref="DesensitizeOptions.DefaultFields"/>; pseudonymizes usernames.</summary>
    Default,

    /// <summary>
    /// Also removes <see cref="DesensitizeOptions.StrictFields"/>, replaces e-mail addresses and phone numbers in
    /// every string value with <c>&lt;email&gt;</c> and <c>&lt;phone&gt;</c>, and nulls a string <c>event</c> that
    /// does not decode.
    /// </summary>
    Strict,
}
