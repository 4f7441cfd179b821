namespace XAnalytics.Stages.Desensitize;

/// <summary>
/// The keys, at any depth of an event, that name a learner or hold a secret, after edX's own event catalogue:
/// edx-platform's tracking events (forum <c>target_username</c>, grades and enrollment <c>user_id</c>, instructor
/// tasks' <c>student</c>, bookmarks' <c>bookmark_id</c>, <c>edx.user.settings.changed</c>) and the key lists of
/// edx-analytics-pipeline's event obfuscation (<c>username</c>, <c>user</c>, <c>student</c>, <c>instructor</c>,
/// <c>user_id</c>, and the payload keys it removes). See /work/notes/pii-fields.md for the sources, event by event.
/// </summary>
internal static class IdentifierFields
{
    /// <summary>How a key's value is treated.</summary>
    public enum Kind : byte
    {
        /// <summary>No rule.</summary>
        None,

        /// <summary>A username: replaced by its pseudonym.</summary>
        Username,

        /// <summary>A numeric user id: replaced by the pseudonym of <c>id:</c> and its text, a string.</summary>
        UserId,

        /// <summary><c>username,usage_key</c>: the part before the first comma is pseudonymized.</summary>
        BookmarkId,

        /// <summary><c>old</c> / <c>new</c>: treated after the sibling <c>setting</c> (<c>edx.user.settings.changed</c>).</summary>
        SettingValue,

        /// <summary>A secret or a direct identifier that analytics does not need (password, e-mail, full name): removed.</summary>
        Drop,

        /// <summary>A form or profile (<c>event.GET</c>, <c>event.POST</c>, segment <c>traits</c>): its members meet <see cref="ClassifyInForm"/> too.</summary>
        Form,
    }

    /// <summary>The prefix of the text a user id is pseudonymized with: no username holds a colon, so an id never gets a username's pseudonym.</summary>
    public static ReadOnlySpan<byte> UserIdPrefix => "id:"u8;

    /// <summary>
    /// Settings of <c>edx.user.settings.changed</c> whose <c>old</c> and <c>new</c> are kept: flags and coarse
    /// demographics. Every other setting's values are removed (<c>name</c>, <c>email</c>, <c>mailing_address</c>,
    /// <c>bio</c>, social links...), but for <c>username</c>, whose values are pseudonymized.
    /// </summary>
    private static readonly byte[][] s_keptSettings =
    [
        .. new[]
        {
            "is_active", "is_staff", "is_superuser", "country", "gender", "year_of_birth", "level_of_education", "language",
            "pref-lang", "time_zone", "account_privacy", "profile_image_uploaded_at", "requires_parental_consent", "password",
        }.Select(System.Text.Encoding.UTF8.GetBytes),
    ];

    /// <summary>The kind of a key anywhere in an event.</summary>
    public static Kind Classify(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 3 when name.SequenceEqual("old"u8) || name.SequenceEqual("new"u8):
                return Kind.SettingValue;
            case 3 when name.SequenceEqual("GET"u8):
            case 4 when name.SequenceEqual("POST"u8):
            case 6 when name.SequenceEqual("traits"u8):
                return Kind.Form;
        }

        if (name.SequenceEqual("username"u8) || name.SequenceEqual("user"u8) || name.SequenceEqual("student"u8)
            || name.SequenceEqual("instructor"u8) || name.SequenceEqual("target_username"u8) || name.SequenceEqual("author"u8))
        {
            return Kind.Username;
        }

        if (name.SequenceEqual("user_id"u8) || name.SequenceEqual("instructor_id"u8) || name.SequenceEqual("attempt_user_id"u8)
            || name.SequenceEqual("allowance_user_id"u8) || name.SequenceEqual("userId"u8))
        {
            return Kind.UserId;
        }

        if (name.SequenceEqual("bookmark_id"u8))
        {
            return Kind.BookmarkId;
        }

        return IsSecret(name) ? Kind.Drop : Kind.None;
    }

    /// <summary>The kind of a key inside a form or profile (<see cref="Kind.Form"/>): also removes what a learner types about themselves.</summary>
    public static Kind ClassifyInForm(ReadOnlySpan<byte> name)
    {
        Kind kind = Classify(name);
        if (kind != Kind.None)
        {
            return kind;
        }

        return name.SequenceEqual("name"u8) || name.SequenceEqual("goals"u8) || name.SequenceEqual("bio"u8) || name.SequenceEqual("city"u8)
            || name.SequenceEqual("address"u8) || name.SequenceEqual("location"u8) || name.SequenceEqual("identifiers"u8)
            || name.SequenceEqual("staffuser"u8) || name.SequenceEqual("betausers"u8) || name.SequenceEqual("forumadmin"u8)
            || name.SequenceEqual("forummoderator"u8) || name.SequenceEqual("age"u8)
            ? Kind.Drop
            : Kind.None;
    }

    /// <summary>How <c>old</c> / <c>new</c> of an object whose <c>setting</c> is <paramref name="setting"/> are treated (<paramref name="hasSetting"/> false: it has none).</summary>
    public static Kind SettingValueKind(ReadOnlySpan<byte> setting, bool hasSetting)
    {
        if (!hasSetting)
        {
            return Kind.None; // not a settings change (edx.team.changed has old/new too): free text
        }

        if (setting.SequenceEqual("username"u8))
        {
            return Kind.Username;
        }

        foreach (byte[] kept in s_keptSettings)
        {
            if (setting.SequenceEqual(kept))
            {
                return Kind.None;
            }
        }

        return Kind.Drop;
    }

    /// <summary>
    /// Keys whose bytes may be a rule's key: a value holding none of them (and no URL marker) is copied unread.
    /// Prefixes and stems, so that one search covers several keys.
    /// </summary>
    public static readonly string[] Triggers =
    [
        "user", "student", "instructor", "author", "bookmark_id", "setting", "mail", "password", "_name", "csrf",
        "scorer", "certificate_", "report_url", "source_url", "upload_key", "attempt_code", "review_", "GET", "POST", "traits",
    ];

    private static bool IsSecret(ReadOnlySpan<byte> name)
        => name.IndexOf("password"u8) >= 0
            || name.SequenceEqual("email"u8) || name.SequenceEqual("emails"u8) || name.SequenceEqual("email_address"u8)
            || name.SequenceEqual("new_email"u8) || name.SequenceEqual("old_email"u8)
            || name.SequenceEqual("csrfmiddlewaretoken"u8) || name.SequenceEqual("full_name"u8) || name.SequenceEqual("first_name"u8)
            || name.SequenceEqual("last_name"u8) || name.SequenceEqual("mailing_address"u8) || name.SequenceEqual("phone_number"u8)
            || name.SequenceEqual("unique_student_identifier"u8) || name.SequenceEqual("requesting_student_id"u8)
            || name.SequenceEqual("requesting_staff_id"u8) || name.SequenceEqual("scorer_id"u8) || name.SequenceEqual("certificate_id"u8)
            || name.SequenceEqual("certificate_url"u8) || name.SequenceEqual("source_url"u8) || name.SequenceEqual("report_url"u8)
            || name.SequenceEqual("file_upload_key"u8) || name.SequenceEqual("attempt_code"u8) || name.SequenceEqual("review_attempt_code"u8)
            || name.SequenceEqual("review_video_url"u8);
}
