using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Classhub.Architecture.Tests;

/// <summary>
/// DESIGN.md §4 and §7: dependencies point inward (Classhub → Hub → Storage → Core; Proxy → Core; Spawning → Core;
/// Acme alone), each test project tests its namesake, and a file's namespace is its project plus its folder.
/// Read from the project files and sources, so a wrong reference fails here before it spreads.
/// </summary>
public sealed partial class DependencyDirectionTests
{
    private const string Anything = "*";

    /// <summary>Which of our projects each project may reference. A new project must be added here deliberately.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Classhub.Core"] = [],
        ["Classhub.Storage"] = ["Classhub.Core"],
        ["Classhub.Spawning"] = ["Classhub.Core"],
        ["Classhub.Proxy"] = ["Classhub.Core"],
        ["Classhub.Acme"] = [],
        ["Classhub.Hub"] = ["Classhub.Core", "Classhub.Storage"],
        ["Classhub"] = [Anything],
    };

    private static readonly string RepoRoot = FindRepoRoot();

    [Fact]
    public void SourceProjects_EachOne_IsInTheAllowedGraph()
    {
        var projects = SourceProjects().Select(p => p.Name).ToList();

        Assert.NotEmpty(projects);
        Assert.All(projects, name => Assert.True(Allowed.ContainsKey(name), $"src/{name} is not in the dependency rules of {nameof(DependencyDirectionTests)}; decide what it may reference and add it"));
        Assert.All(Allowed.Keys, name => Assert.Contains(name, projects));
    }

    [Fact]
    public void SourceProjects_References_PointOnlyInward()
    {
        var wrong = new List<string>();
        foreach (var (name, path) in SourceProjects())
        {
            var allowed = Allowed.GetValueOrDefault(name, []);
            foreach (var reference in ProjectReferences(path))
            {
                if (!allowed.Contains(Anything) && !allowed.Contains(reference))
                {
                    wrong.Add($"{name} → {reference}");
                }
            }
        }

        Assert.True(wrong.Count == 0, "references that point the wrong way (see DESIGN.md §4): " + string.Join(", ", wrong));
    }

    [Fact]
    public void SourceProjects_KnownReferences_AreReadFromTheProjectFiles()
    {
        // Guards the rule above against passing vacuously because nothing was parsed.
        var hub = SourceProjects().Single(p => p.Name == "Classhub.Hub");
        var exe = SourceProjects().Single(p => p.Name == "Classhub");

        Assert.Equal(["Classhub.Core", "Classhub.Storage"], ProjectReferences(hub.Path).Order(StringComparer.Ordinal));
        Assert.Contains("Classhub.Hub", ProjectReferences(exe.Path));
        Assert.Empty(ProjectReferences(SourceProjects().Single(p => p.Name == "Classhub.Core").Path));
    }

    [Fact]
    public void TestProjects_EachOne_ReferencesTheProjectItIsNamedFor()
    {
        var tests = Directory.GetDirectories(Path.Combine(RepoRoot, "tests"))
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj"))
            .Where(File.Exists)
            .ToList();

        Assert.NotEmpty(tests);
        Assert.All(tests, csproj =>
        {
            var name = Path.GetFileNameWithoutExtension(csproj);
            Assert.EndsWith(".Tests", name, StringComparison.Ordinal);
            var subject = name[..^".Tests".Length];
            Assert.True(File.Exists(Path.Combine(RepoRoot, "src", subject, subject + ".csproj")), $"tests/{name} has no src/{subject}");
            Assert.True(ProjectReferences(csproj).Contains(subject), $"tests/{name} does not reference src/{subject}");
        });
    }

    [Fact]
    public void SourceFiles_Namespace_EqualsProjectAndFolder()
    {
        var wrong = new List<string>();
        var checkedFiles = 0;
        foreach (var (name, path) in SourceProjects())
        {
            var projectDir = Path.GetDirectoryName(path)!;
            foreach (var file in Directory.EnumerateFiles(projectDir, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(projectDir, file);
                var segments = relative.Split(Path.DirectorySeparatorChar);
                if (segments[0] is "obj" or "bin")
                {
                    continue;
                }

                checkedFiles++;
                var expected = string.Join('.', [name, .. segments[..^1]]);
                var text = File.ReadAllText(file);
                var declared = NamespaceDeclaration().Matches(text).Select(m => m.Groups[1].Value).ToList();
                if (declared.Count == 0)
                {
                    // Only files that declare no types (module attributes, say) may leave the namespace out.
                    if (TypeDeclaration().IsMatch(text))
                    {
                        wrong.Add($"src/{name}/{relative}: declares types but no namespace (expected {expected})");
                    }
                }
                else if (declared.Count > 1 || declared[0] != expected)
                {
                    wrong.Add($"src/{name}/{relative}: namespace {string.Join(", ", declared)}, expected {expected}");
                }
            }
        }

        Assert.True(checkedFiles > 50, $"only {checkedFiles} source files found under {RepoRoot}/src");
        Assert.True(wrong.Count == 0, "namespaces that do not match their folder (DESIGN.md §7.1):\n" + string.Join('\n', wrong));
    }

    private static IEnumerable<(string Name, string Path)> SourceProjects() =>
        Directory.GetDirectories(Path.Combine(RepoRoot, "src"))
            .SelectMany(d => Directory.GetFiles(d, "*.csproj"))
            .Select(p => (Path.GetFileNameWithoutExtension(p), p))
            .OrderBy(p => p.Item1, StringComparer.Ordinal);

    /// <summary>Names of the projects a project file references (file name without .csproj).</summary>
    private static List<string> ProjectReferences(string csproj) =>
        XDocument.Load(csproj)
            .Descendants()
            .Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => e.Attribute("Include")?.Value ?? throw new InvalidOperationException($"{csproj}: ProjectReference without Include"))
            .Select(include => Path.GetFileNameWithoutExtension(include.Replace('\\', '/')))
            .ToList();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Appliance.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^\s*namespace\s+([A-Za-z_][\w.]*)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*(?:(?:public|internal|private|protected|file|static|sealed|abstract|partial|readonly|unsafe|ref)\s+)*(?:class|record|struct|interface|enum|delegate)\s", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();
}
