namespace Typed.Browser.Tests;

/// <summary>
/// Every test class of this assembly carries exactly one Category trait, so no test drops out of the filtered runs
/// (dotnet test --filter Category=…, docs/testing.md).
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class TestCategoryTests
{
    [Fact]
    public void Every_test_class_has_exactly_one_category() =>
        TestCategoryCheck.AssertEveryTestClassHasOneCategory(typeof(TestCategoryTests).Assembly);
}
