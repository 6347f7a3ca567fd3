using Classhub.Core.Datasets;

namespace Classhub.Core.Datasets.Tests;

public sealed class DatasetNameTests
{
    [Theory]
    [InlineData("iris")]
    [InlineData("census-2020")]
    [InlineData("a.b_c")]
    public void Problem_ValidName_Null(string name) => Assert.Null(DatasetName.Problem(name));

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("..", "not a valid dataset name")]
    [InlineData("../etc", "not a valid dataset name")]
    [InlineData("Iris", "not a valid dataset name")]
    [InlineData(".hidden", "not a valid dataset name")]
    public void Problem_BadName_SaysWhatIsWrong(string name, string expected) =>
        Assert.Contains(expected, DatasetName.Problem(name), StringComparison.Ordinal);

    [Fact]
    public void Problem_KernelName_NamesTheKernel() =>
        Assert.StartsWith("'x y' is not a valid kernel name", DatasetName.Problem("x y", "kernel"), StringComparison.Ordinal);
}
