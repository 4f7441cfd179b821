using System.Text;
using XAnalytics.Formats.Json;
using XAnalytics.Stages.Desensitize;

namespace XAnalytics.Tests.Stages.Desensitize;

public sealed class PiiTextTests
{
    [Theory]
    [InlineData("write to jane.doe@example.org today", "write to <email> today")]
    [InlineData("a+b_c@mail.example.co.uk.", "<email>.")]
    [InlineData("call 555-123-4567 or (555) 123 4567", "call <phone> or <phone>")]
    [InlineData("intl +44 20 7946 0958; +14155550123", "intl <phone>; <phone>")]
    [InlineData("555.123.4567", "<phone>")]
    public void ReplaceContacts_Replaced(string text, string expected)
    {
        Utf8JsonBuilder output = Utf8JsonBuilder.ForThread(3);
        Assert.True(PiiText.ReplaceContacts(Encoding.UTF8.GetBytes(text), output));
        Assert.Equal(expected, Encoding.UTF8.GetString(output.Written));
    }

    [Theory]
    [InlineData("2015-03-01T10:00:00.123456+00:00")]
    [InlineData("due 2015-03-01 10:00, or 01-03-2015")]
    [InlineData("pi is 3.14159265 and id 12345678")]
    [InlineData("block-v1:MITx+6.002x+2T2015+type@problem+block@abc123")]
    [InlineData("ip 192.168.1.10, version 10.0.19041.1")]
    [InlineData("scores 3 5 7 9 11 13 15")]
    [InlineData("no digits here @ all")]
    [InlineData("aa58c98b-0123-4567-dcea-edc702b628f1 and 3a877375-71ee-4567-8123-a5d449faba3e")]
    [InlineData("/courses/x/1234-5678/y and v2.1234.5678.c")]
    public void ReplaceContacts_NotContacts_Untouched(string text)
        => Assert.False(PiiText.ReplaceContacts(Encoding.UTF8.GetBytes(text), Utf8JsonBuilder.ForThread(3)));

    [Theory]
    [InlineData("/api/mobile/v0.5/users/u_x/course_enrollments/", "/api/mobile/v0.5/users/<u_x>/course_enrollments/")]
    [InlineData("https://h.example/api/user/v1/accounts/u_x?view=shared", "https://h.example/api/user/v1/accounts/<u_x>?view=shared")]
    [InlineData("/u/u_x", "/u/<u_x>")]
    [InlineData("https://h.example/u/u_x#top", "https://h.example/u/<u_x>#top")]
    [InlineData("/api/grades/v1/courses/?username=u_x&page=2", "/api/grades/v1/courses/?username=<u_x>&page=2")]
    [InlineData("/u/Jos%C3%A9", "/u/<José>")]
    [InlineData("/api/user/v1/accounts/a%2Db?x=1", "/api/user/v1/accounts/<a-b>?x=1")]
    [InlineData("/u/bad%FF%FEname", "/u/<bad%FF%FEname>")]
    [InlineData("/u/100%25sure%2", "/u/<100%sure%2>")]
    public void ReplaceUrlUsernames_SegmentReplaced(string text, string expected)
    {
        Utf8JsonBuilder output = Utf8JsonBuilder.ForThread(2);
        Assert.True(PiiText.ReplaceUrlUsernames(Encoding.UTF8.GetBytes(text), output, new Angle()));
        Assert.Equal(expected, Encoding.UTF8.GetString(output.Written));
    }

    [Theory]
    [InlineData("/api/mobile/v1/users/u_x", "/api/mobile/v1/users/<u_x>")]
    [InlineData("/api/user/v1/preferences/u_x/pref-lang", "/api/user/v1/preferences/<u_x>/pref-lang")]
    [InlineData("/api/profile_images/v1/u_x/upload", "/api/profile_images/v1/<u_x>/upload")]
    [InlineData("/api/certificates/v0/certificates/u_x/courses/c/", "/api/certificates/v0/certificates/<u_x>/courses/c/")]
    [InlineData("/courses/c/submission_history/u_x/block-v1:O+C+R+type@problem+block@p1", "/courses/c/submission_history/<u_x>/block-v1:O+C+R+type@problem+block@p1")]
    [InlineData("/api/enrollment/v1/enrollment/u_x,course-v1:O+C+R", "/api/enrollment/v1/enrollment/<u_x>,course-v1:O+C+R")]
    [InlineData("/api/bookmarks/v1/bookmarks/u_x,block-v1:O+C+R+type@vertical+block@v/", "/api/bookmarks/v1/bookmarks/<u_x>,block-v1:O+C+R+type@vertical+block@v/")]
    [InlineData("/api/team/v0/team_membership/team_1,u_x", "/api/team/v0/team_membership/team_1,<u_x>")]
    [InlineData("/courses/c/progress/9180981/", "/courses/c/progress/<id:9180981>/")]
    [InlineData("/courses/c/discussion/forum/users/9180981/followed", "/courses/c/discussion/forum/users/<id:9180981>/followed")]
    [InlineData("/certificates/user/9180981/course/c", "/certificates/user/<id:9180981>/course/c")]
    [InlineData("/courses/c/xqueue/9180981/p/score_update", "/courses/c/xqueue/<id:9180981>/p/score_update")]
    [InlineData("/api/enrollment/v1/enrollment?user=u_x", "/api/enrollment/v1/enrollment?user=<u_x>")]
    [InlineData("/api/discussion/v1/threads/?author=u_x&page=1", "/api/discussion/v1/threads/?author=<u_x>&page=1")]
    [InlineData("/accounts/login?next=/u/u_x", "/accounts/login?next=/u/<u_x>")]
    [InlineData("/login?next=%2Fu%2Fu_x&x=1", "/login?next=%2Fu%2F%3Cu_x%3E&x=1")]
    public void ReplaceUrlUsernames_EdxRoutes_IdentifierReplaced(string text, string expected)
    {
        Utf8JsonBuilder output = Utf8JsonBuilder.ForThread(2);
        Assert.True(PiiText.ReplaceUrlUsernames(Encoding.UTF8.GetBytes(text), output, new Angle()));
        Assert.Equal(expected, Encoding.UTF8.GetString(output.Written));
    }

    [Theory]
    [InlineData("/courses/course-v1:OrgX+C1+2015_T1/courseware/u/")]
    [InlineData("https://h.example/courses/x/u/1")]
    [InlineData("play_video")]
    [InlineData("/accounts/login")]
    [InlineData("https://h.example/accounts/login?next=/dashboard")]
    [InlineData("/accounts/password_reset/")]
    [InlineData("/courses/c/instructor/api/list_course_role_members")]
    [InlineData("/courses/c/discussion/users")]
    [InlineData("/api/mobile/v0.5/users")]
    [InlineData("/api/enrollment/v1/enrollment/course-v1:O+C+R")]
    [InlineData("/courses/c/progress")]
    [InlineData("/courses/c/progress/")]
    [InlineData("/admin/users/list")]
    [InlineData("/user_api/v1/account/registration/")]
    public void ReplaceUrlUsernames_NoUsername_Untouched(string text)
        => Assert.False(PiiText.ReplaceUrlUsernames(Encoding.UTF8.GetBytes(text), Utf8JsonBuilder.ForThread(2), new Angle()));

    private sealed class Angle : IUsernameReplacer
    {
        public void AppendReplacement(ReadOnlySpan<byte> username, Utf8JsonBuilder output)
        {
            output.Append("<"u8);
            output.Append(username);
            output.Append(">"u8);
        }
    }
}
