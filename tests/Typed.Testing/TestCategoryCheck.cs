using System.Reflection;
using Xunit;

namespace Typed.Testing;

/// <summary>
/// Fails when a test class of an assembly has no <c>Category</c> trait, more than one, one outside
/// <see cref="TestCategories.All"/>, or a test method adds its own: a test without exactly one category would silently
/// drop out of (or run twice across) the filtered runs.
/// </summary>
public static class TestCategoryCheck
{
    public static void AssertEveryTestClassHasOneCategory(Assembly assembly)
    {
        var problems = new List<string>();
        var testClasses = assembly.GetTypes().Where(IsTestClass).ToList();
        Assert.NotEmpty(testClasses);
        foreach (var type in testClasses)
        {
            var categories = Categories(type).ToList();
            if (categories.Count != 1)
            {
                problems.Add($"{type.FullName}: {categories.Count} Category traits ({string.Join(", ", categories)})");
            }
            else if (!TestCategories.All.Contains(categories[0]))
            {
                problems.Add($"{type.FullName}: unknown category '{categories[0]}'");
            }

            foreach (var method in TestMethods(type).Where(m => Categories(m).Any()))
            {
                problems.Add($"{type.FullName}.{method.Name}: a Category trait on a method (move the test to a class of that category)");
            }
        }

        Assert.True(problems.Count == 0, "Every test class needs exactly one Category trait (docs/testing.md):\n" + string.Join("\n", problems));
    }

    private static bool IsTestClass(Type type) => type.IsClass && !type.IsAbstract && TestMethods(type).Any();

    private static IEnumerable<MethodInfo> TestMethods(Type type) =>
        type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(m => m.IsDefined(typeof(FactAttribute), inherit: true));

    /// <summary>
    /// The values of the Category traits declared on <paramref name="member"/> (not inherited: xunit 2 reads a class's
    /// traits from the class itself). xunit's TraitAttribute does not keep its arguments, so they come from the
    /// attribute data, as xunit's own discoverer reads them.
    /// </summary>
    private static IEnumerable<string> Categories(MemberInfo member) =>
        member.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(TraitAttribute)
                && a.ConstructorArguments is [{ Value: TestCategories.Name }, _])
            .Select(a => a.ConstructorArguments[1].Value as string ?? "");
}
