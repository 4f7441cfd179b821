using XAnalytics.Events;

namespace XAnalytics.Tests.Events;

public sealed class CourseKeyTests
{
    [Theory]
    [InlineData("course-v1:MITx+6.002x+2T2015", "MITx/6.002x/2T2015")]
    [InlineData("MITx/6.002x/2T2015", "MITx/6.002x/2T2015")]
    [InlineData("ccx-v1:MITx+6.002x+2T2015+ccx@3", "ccx-v1:MITx+6.002x+2T2015+ccx@3")]
    [InlineData("ccx-block-v1:MITx+6.002x+2T2015+ccx@3+type@problem+block@abc", "ccx-v1:MITx+6.002x+2T2015+ccx@3")]
    [InlineData("block-v1:MITx+6.002x+2T2015+type@problem+block@abc123", "MITx/6.002x/2T2015")]
    [InlineData("i4x://MITx/6.002x/problem/abc123", "MITx/6.002x")]
    [InlineData("edX/DemoX/2015Q1", "edX/DemoX/2015Q1")]
    [InlineData("course-v1:edX+DemoX+2015Q1", "edX/DemoX/2015Q1")]
    [InlineData("  edX/DemoX/Demo_Course  ", "edX/DemoX/Demo_Course")]
    [InlineData("course-v1:edX+DemoX+T1+branch@published", "edX/DemoX/T1")]
    [InlineData("course-v1:Université+Démo~X+T1:a", "Université/Démo~X/T1:a")]
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
    [InlineData("edX/DemoX/T1/extra")]
    [InlineData("course-v1:edX+DemoX+T1+extra")]
    [InlineData("course-v1:edX+DemoX+T1@x")]
    [InlineData("edX/DemoX/Demo 2014")]
    [InlineData("edX/Demo+X/T1")]
    [InlineData("ccx-v1:MITx+6.002x+2T2015")]
    [InlineData("ccx-v1:MITx+6.002x+2T2015+ccx@")]
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

    /// <summary>A CCX is a course of its own (edx-ccx-keys' CCXLocator): not its parent course, nor another CCX of it.</summary>
    [Fact]
    public void Matches_Ccx_OnlyItself()
    {
        Assert.True(CourseKey.TryParse("course-v1:MITx+6.002x+2T2015", out CourseKey parent));
        Assert.True(CourseKey.TryParse("ccx-v1:MITx+6.002x+2T2015+ccx@3", out CourseKey ccx3));
        Assert.True(CourseKey.TryParse("ccx-v1:MITx+6.002x+2T2015+ccx@4", out CourseKey ccx4));

        Assert.Equal("3", ccx3.Ccx);
        Assert.Null(parent.Ccx);
        Assert.False(ccx3.Matches(parent));
        Assert.False(parent.Matches(ccx3));
        Assert.False(ccx3.Matches(ccx4));
        Assert.NotEqual(parent, ccx3);
        Assert.True(CourseKey.TryFromUrl("https://lms.example.org/courses/ccx-v1:MITx+6.002x+2T2015+ccx@3/courseware", out CourseKey fromUrl));
        Assert.True(fromUrl.Matches(ccx3));
        Assert.Equal(ccx3, fromUrl);
    }
}
