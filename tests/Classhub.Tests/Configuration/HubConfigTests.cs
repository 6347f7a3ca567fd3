using Classhub.Configuration;

namespace Classhub.Configuration.Tests;

public sealed class HubConfigTests
{
    [Fact]
    public void Parse_DefaultFile_HasNoProblemsAndEveryDefault()
    {
        var config = HubConfig.Parse("/etc/classhub/classhub.json", DefaultConfigFile.Render());

        Assert.Empty(config.Problems);
        Assert.Equal("auto", config.Text("tls.mode"));
        Assert.Equal(TimeSpan.FromHours(1), config.Seconds("idle_timeout"));
        Assert.Equal(["jupyterhub-singleuser"], config.TextList("spawner.command"));
    }

    [Fact]
    public void Parse_DefaultFile_DocumentsEveryKey()
    {
        var text = DefaultConfigFile.Render();

        foreach (var key in ConfigSchema.Keys)
        {
            Assert.Contains(key.Doc, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_ManyProblems_ReportsThemAllWithFixes()
    {
        var config = HubConfig.Parse("/etc/classhub/classhub.json", """
            {
              "domian": "hub.example.edu",
              "idle_timeout": "an hour",
              "tls": { "mode": "letsencrypt", "colour": "blue" },
              "acme": { "directory": "ftp://x" }
            }
            """);

        var messages = config.Problems.Select(p => p.ToString()).ToList();
        Assert.Equal(5, messages.Count);
        Assert.Contains(messages, m => m.Contains("'domian'", StringComparison.Ordinal) && m.Contains("did you mean 'domain'?", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("'idle_timeout'", StringComparison.Ordinal) && m.Contains("whole number", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("'tls.mode'", StringComparison.Ordinal) && m.Contains("\"self-signed\"", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("'tls.colour'", StringComparison.Ordinal) && m.Contains("unknown key", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("'acme.directory'", StringComparison.Ordinal) && m.Contains("not an http(s) URL", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_InvalidJson_NamesTheLine()
    {
        var config = HubConfig.Parse("/etc/classhub/classhub.json", "{\n  \"domain\": \"a\"\n  \"urls\": \"b\"\n}");

        var problem = Assert.Single(config.Problems);
        Assert.Contains("line 3", problem.Where, StringComparison.Ordinal);
        Assert.Contains("comments", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BooleanKeyWithAString_IsAProblemNamingTheKey()
    {
        var config = HubConfig.Parse(null, "{\"admin_access\": \"true\"}");

        var problem = Assert.Single(config.Problems);
        Assert.Contains("admin_access", problem.Where, StringComparison.Ordinal);
        Assert.Contains("must be true or false", problem.Message, StringComparison.Ordinal);
        Assert.False(config.Boolean("admin_access"));
    }

    [Fact]
    public void Parse_CommentsAndTrailingCommas_AreAllowed()
    {
        var config = HubConfig.Parse(null, "// hi\n{ /* a */ \"domain\": \"hub.example.edu\", }");

        Assert.Empty(config.Problems);
        Assert.Equal("hub.example.edu", config.Text("domain"));
    }

    [Theory]
    [InlineData("idle_timeout", "90", "90")]
    [InlineData("extra_domains", "a.example.edu, b.example.edu", "[\"a.example.edu\",\"b.example.edu\"]")]
    [InlineData("tls.mode", "manual", "\"manual\"")]
    [InlineData("admin_access", "True", "true")]
    [InlineData("user_servers.host", "{user}.users.hub.example.edu", "\"{user}.users.hub.example.edu\"")]
    public void FromCommandLine_ValidText_GivesJson(string key, string text, string json)
    {
        var (value, problem) = HubConfig.FromCommandLine(ConfigSchema.Find(key)!, text);

        Assert.Null(problem);
        Assert.Equal(json, value);
    }

    [Theory]
    [InlineData("idle_timeout", "-5")]
    [InlineData("tls.mode", "letsencrypt")]
    [InlineData("acme.directory", "not a url")]
    [InlineData("data_dir", "relative/path")]
    [InlineData("admin_access", "yes")]
    public void FromCommandLine_InvalidText_GivesProblem(string key, string text)
    {
        var (value, problem) = HubConfig.FromCommandLine(ConfigSchema.Find(key)!, text);

        Assert.Null(value);
        Assert.StartsWith(key, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeyGivenTwice_ReportedWithTheKeyAndBothLines()
    {
        var config = HubConfig.Parse("/etc/classhub/classhub.json", """
            {
              "idle_timeout": 600,
              // later someone appends:
              "idle_timeout": 60
            }
            """);

        var problem = Assert.Single(config.Problems);
        Assert.Equal("/etc/classhub/classhub.json, line 4, key 'idle_timeout'", problem.Where);
        Assert.Contains("first on line 2", problem.Message, StringComparison.Ordinal);
        Assert.Contains("keep one", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestedAndDottedFormOfOneKey_ReportedAsTwice()
    {
        var config = HubConfig.Parse(null, """
            {
              "tls": { "mode": "off" },
              "tls.mode": "auto"
            }
            """);

        var problem = Assert.Single(config.Problems);
        Assert.Equal("configuration, line 3, key 'tls.mode'", problem.Where);
        Assert.Contains("first on line 2", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SameNameInDifferentSections_IsNotADuplicate()
    {
        var config = HubConfig.Parse(null, """{ "auth": { "oidc": { "client_id": "a" }, "github": { "client_id": "b" } }, "spawner": { "command": ["x", "x"] } }""");

        Assert.Empty(config.Problems);
    }

    [Theory]
    [InlineData("cull_interval")]
    [InlineData("start_timeout")]
    [InlineData("slurm.queue_timeout")]
    public void Parse_TimeoutOfZero_RefusedInsteadOfReplacedByTheDefault(string key)
    {
        var json = key.Contains('.', StringComparison.Ordinal) ? $$"""{ "{{key.Split('.')[0]}}": { "{{key.Split('.')[1]}}": 0 } }""" : $$"""{ "{{key}}": 0 }""";

        var problem = Assert.Single(HubConfig.Parse(null, json).Problems);

        Assert.Contains(key, problem.Where, StringComparison.Ordinal);
        Assert.Equal("must be a whole number, 1 or more", problem.Message);
        Assert.Equal($"{key} must be a whole number, 1 or more", HubConfig.FromCommandLine(ConfigSchema.Find(key)!, "-1").Problem);
    }

    [Fact]
    public void Parse_IdleTimeoutZero_StillMeansNever()
    {
        Assert.Empty(HubConfig.Parse(null, """{ "idle_timeout": 0 }""").Problems);
    }
}
