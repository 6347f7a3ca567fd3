namespace Classhub.Hub.Assignments.Files.Tests;

public sealed class RelativePathTests
{
    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("a/../../evil.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/x")]
    [InlineData("a\\..\\b")]
    [InlineData("a//b")]
    [InlineData("./a")]
    public void Problem_EscapingOrOddPath_Refused(string path) => Assert.NotNull(RelativePath.Problem(path));

    [Theory]
    [InlineData("analysis.ipynb")]
    [InlineData("data/input..csv")]
    [InlineData("deep/er/notes.md")]
    public void Problem_PlainRelativePath_Accepted(string path) => Assert.Null(RelativePath.Problem(path));

    [Theory]
    [InlineData("analysis.ipynb", "analysis (release 2).ipynb")]
    [InlineData("Makefile", "Makefile (release 2)")]
    [InlineData(".env", ".env (release 2)")]
    public void Beside_FileName_LabelBeforeExtension(string name, string expected) => Assert.Equal(expected, RelativePath.Beside(name, "release 2"));
}
