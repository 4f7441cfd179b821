namespace XAnalytics.Reports.Learners;

/// <summary>What a <see cref="LearnerEvent"/> says of its event, as the learner tables read it.</summary>
[Flags]
internal enum LearnerEventFlags : ushort
{
    None = 0,

    /// <summary>A readable time, and the date and course filters keep it.</summary>
    Kept = 1,

    /// <summary>Its type contains <c>/xblock/</c> (left out, as edx2bigquery leaves it out).</summary>
    XBlock = 2,

    /// <summary>Type <c>play_video</c>.</summary>
    PlayVideo = 4,

    /// <summary>Type <c>problem_check</c>.</summary>
    ProblemCheck = 8,

    /// <summary>A server <c>edx.forum.*.created</c> event.</summary>
    ForumPost = 16,

    /// <summary>Opened the course's courseware (the URL or page).</summary>
    Courseware = 32,

    /// <summary>A non-blank, unescaped <c>ip</c> (read only with a GeoIP database); parsed when <see cref="IPv4"/> or <see cref="IPv6"/>.</summary>
    HasIp = 64,

    /// <summary>The address is IPv4, in <see cref="LearnerEvent.AddressHigh"/>'s low 4 bytes.</summary>
    IPv4 = 128,

    /// <summary>The address is IPv6, in <see cref="LearnerEvent.AddressHigh"/> and <see cref="LearnerEvent.AddressLow"/>.</summary>
    IPv6 = 256,
}
