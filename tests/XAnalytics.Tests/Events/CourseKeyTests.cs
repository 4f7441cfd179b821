using XAnalytics.Events;

namespace XAnalytics.Tests.Events;

public sealed class CourseKeyTests
{
    [Theory]
    [InlineData("course-v1:MITx+6.002x+2T2015", "MITx/6.002x/2T2015")]
    [InlineData("MITx/6.002x/2T2015", "MITx/6.002x/2T2015")]
    [InlineData("ccx-v1:MITx+6.002x+2T2015+ccx@3", "MITx/6.002x/2T2015")]
    [InlineData("block-v1:MITx+6.002x+2T2015+type@problem+block@abc123", "MITx/6.002x/2T2015")]
    [InlineData("i4x://MITx/6.002x/problem/abc123", "MITx/6.002x")]
    [InlineData("edX/DemoX/2015Q1", "edX/DemoX/2015T1")]
    [InlineData("  edX/DemoX/Demo_Course  ", "edX/DemoX/Demo_Course")]
    public void TryParse_KnownShapes_Canonical(string id, string expected)
    {
        Assert.True(CourseKey.TryParse(id, out CourseKey key));
        Assert.Equal(expected, key.ToString());
        Assert.True(CourseKey.TryParse(System.Text.Encoding.UTF8.GetBytes(id), out CourseKey fromUtf8));
        Assert.Equal(key, fromUtf8);
    }

    [Theory]
    [InlineData("")]
    [InlineData("library-v1:MITx+lib1")]
    [InlineData("just-a-word")]
    [InlineData("course-v1:MITx+6.002x")]
    [InlineData("a//b")]
    public void TryParse_NotACourse_False(string id) => Assert.False(CourseKey.TryParse(id, out _));

    [Theory]
    [InlineData("/courses/course-v1:MITx+6.002x+2T2015/courseware/week1/", "MITx/6.002x/2T2015")]
    [InlineData("https://lms.example.edu/courses/course-v1:MITx%2B6.002x%2B2T2015/info?x=1", "MITx/6.002x/2T2015")]
    [InlineData("/courses/edX/E929/2014_T2/xblock/i4x:;_;_edX;_E929;_problem;_466b/handler/xmodule_handler/input_ajax", "edX/E929/2014_T2")]
    [InlineData("/courses/edX/DemoX/Demo_Course", "edX/DemoX/Demo_Course")]
    public void TryFromUrl_CoursePaths_FindsCourse(string url, string expected)
    {
        Assert.True(CourseKey.TryFromUrl(url, out CourseKey key));
        Assert.Equal(expected, key.ToString());
    }

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/courses/")]
    [InlineData("/courses/edX/DemoX")]
    public void TryFromUrl_NoCourse_False(string url) => Assert.False(CourseKey.TryFromUrl(url, out _));

    [Fact]
    public void Matches_NewAndOldShapes_SameCourse()
    {
        Assert.True(CourseKey.TryParse("course-v1:MITx+6.002x+2T2015", out CourseKey a));
        Assert.True(CourseKey.TryParse("MITx/6.002x/2T2015", out CourseKey b));
        Assert.True(CourseKey.TryParse("i4x://MITx/6.002x/problem/p1", out CourseKey noRun));
        Assert.True(CourseKey.TryParse("MITx/6.002x/3T2015", out CourseKey otherRun));

        Assert.True(a.Matches(b));
        Assert.True(noRun.Matches(a));
        Assert.False(a.Matches(otherRun));
    }
}
