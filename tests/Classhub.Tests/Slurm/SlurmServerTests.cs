using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Classhub.EndToEnd.Tests;

namespace Classhub.Slurm.Tests;

/// <summary>A hub whose nodes reach it by host name (hub.connect_url) and that checks servers every second.</summary>
public sealed class SlurmHubFixture : HubFixture
{
    public string ConfigPath => Path.Combine(Hub.DataDir, "slurm-test.json");

    public string[] Args => ["--config", ConfigPath, "--cull-interval", "1", "--start-timeout", "90"];

    // Evaluated once the hub process object exists (its port is known) and before it starts.
    protected override string[] ServeArgs
    {
        get
        {
            Directory.CreateDirectory(Hub.DataDir);
            var host = UnixUsers.RunAsync("hostname", "-s").GetAwaiter().GetResult();
            File.WriteAllText(ConfigPath, $$"""{ "hub": { "connect_url": "http://{{host}}:{{Hub.Port}}/" }, "slurm": { "time_limit": "30:00", "queue_timeout": 120 } }""");
            return Args;
        }
    }

    /// <summary>Kills the hub with SIGKILL and starts another on the same state directory and port (its URL stays the fixture's).</summary>
    public async Task<HubProcess> KillAndRestartAsync()
    {
        Hub.KillHard();
        var restarted = HubProcess.Create(Hub.DataDir, Hub.Port);
        await restarted.StartAsync(Args);
        return restarted;
    }

    /// <summary>A student with a Unix account (the "site directory" here is this machine's passwd) in a course set to Slurm.</summary>
    public async Task<string> SlurmStudentAsync(string password)
    {
        var user = await CreateUserAsync(password);
        Assert.Equal("", await UnixUsers.RunAsync("useradd", "-m", "-s", "/bin/bash", user));
        var link = await Hub.CliAsync("user", "link", user);
        Assert.True(link.ExitCode == 0, link.Stderr);
        var course = "hpc" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(0, (await Hub.CliAsync("course", "create", course, "--title", "Cluster computing")).ExitCode);
        var set = await Hub.CliAsync("course", "set", course, "--spawner", "slurm", "--slurm-cpus", "1");
        Assert.True(set.ExitCode == 0, set.Stderr);
        var csv = Path.Combine(Hub.DataDir, $"{course}.csv");
        await File.WriteAllTextAsync(csv, $"Username,Name,Email,Section\r\n{user},Student,{user}@example.edu,A\r\n", Encoding.UTF8);
        var import = await Hub.CliAsync("roster", "import", course, csv);
        Assert.True(import.ExitCode == 0, import.Stderr + import.Stdout);
        return user;
    }
}

[Collection("hub")]
public sealed class SlurmServerTests(SlurmCluster cluster, SlurmHubFixture fixture) : IClassFixture<SlurmCluster>, IClassFixture<SlurmHubFixture>
{
    private const string Password = "slurm-student-pw";

    [Fact]
    public async Task SlurmCourse_ServerRunsAsJobOfTheStudent_KernelRunsThroughProxy_StopEndsJob()
    {
        var user = await fixture.SlurmStudentAsync(Password);
        using var api = fixture.ApiClient(await fixture.TokenAsync(user));
        using (var start = await api.PostAsync($"/hub/api/users/{user}/server", null))
        {
            Assert.True(start.IsSuccessStatusCode, await start.Content.ReadAsStringAsync());
        }

        await WaitReadyAsync(api, user);
        var queue = await SlurmCluster.QueueOfAsync(user);
        Assert.Matches($"^[0-9]+ {user} RUNNING classhub-{user}$", queue);

        using var browser = new Browser(fixture.Hub.Url);
        await browser.SignInAsync(user, Password);
        var (tree, _, finalPath) = await browser.FollowAsync($"/user/{user}/tree");
        Assert.Equal(HttpStatusCode.OK, tree.StatusCode);
        Assert.Equal($"/user/{user}/tree", finalPath);
        var kernel = await JupyterKernel.StartAsync(browser, user);
        var uid = await UnixUsers.RunAsync("id", "-u", user);
        var printed = await JupyterKernel.ExecuteAsync(browser, user, kernel, "import os\nprint(os.getuid(), 'SLURM_JOB_ID' in os.environ, 6*7)");
        Assert.Equal($"{uid} True 42\n", printed);
        Assert.Contains($"submitted the server of {user} as Slurm job", fixture.Hub.Output, StringComparison.Ordinal);

        using var stop = await api.DeleteAsync($"/hub/api/users/{user}/server");
        Assert.Equal(HttpStatusCode.NoContent, stop.StatusCode);
        Assert.True(await GoneFromQueueAsync(user), $"the job is still in the queue: {await SlurmCluster.QueueOfAsync(user)}");
    }

    [Fact]
    public async Task JobCancelledFromSlurm_IsNoticed_AndShownWithSlurmsReason()
    {
        var user = await fixture.SlurmStudentAsync(Password);
        using var api = fixture.ApiClient(await fixture.TokenAsync(user));
        using (await api.PostAsync($"/hub/api/users/{user}/server", null))
        {
        }

        await WaitReadyAsync(api, user);
        var jobId = (await SlurmCluster.QueueOfAsync(user)).Split(' ')[0];
        Assert.Equal("", await UnixUsers.RunAsync("scancel", jobId));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonNode model;
        do
        {
            await Task.Delay(500);
            model = JsonNode.Parse(await api.GetStringAsync($"/hub/api/users/{user}"))!;
        }
        while (model["servers"]!.AsObject().Count > 0 && DateTime.UtcNow < deadline);

        Assert.Empty(model["servers"]!.AsObject());
        using var proxied = await api.GetAsync($"/user/{user}/api/status");
        Assert.NotEqual(HttpStatusCode.OK, proxied.StatusCode);
        using var browser = new Browser(fixture.Hub.Url);
        await browser.SignInAsync(user, Password);
        var (_, home) = await browser.GetAsync("/hub/home");
        Assert.Contains($"Slurm job {jobId} was cancelled (CANCELLED", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HubKilledWithSigkill_Restarted_ReattachesToTheRunningJob()
    {
        var user = await fixture.SlurmStudentAsync(Password);
        var token = await fixture.TokenAsync(user);
        using (var api = fixture.ApiClient(token))
        {
            using (await api.PostAsync($"/hub/api/users/{user}/server", null))
            {
            }

            await WaitReadyAsync(api, user);
        }

        var before = await SlurmCluster.QueueOfAsync(user);
        await using (var restarted = await fixture.KillAndRestartAsync())
        {
            using var api = fixture.ApiClient(token);
            var model = JsonNode.Parse(await api.GetStringAsync($"/hub/api/users/{user}"))!;
            Assert.True(model["servers"]![""]!["ready"]!.GetValue<bool>(), model.ToJsonString());
            using var status = await api.GetAsync($"/user/{user}/api/status");
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            Assert.Contains($"re-attached to the running server of {user}", restarted.Output, StringComparison.Ordinal);
            Assert.Equal(before, await SlurmCluster.QueueOfAsync(user));

            using var stop = await api.DeleteAsync($"/hub/api/users/{user}/server");
            Assert.Equal(HttpStatusCode.NoContent, stop.StatusCode);
            Assert.True(await GoneFromQueueAsync(user), $"the job is still in the queue: {await SlurmCluster.QueueOfAsync(user)}");
        }

        // The fixture's hub was killed; start it again so its dispose and later tests find a running hub.
        await fixture.Hub.StartAsync(fixture.Args);
    }

    [Fact]
    public async Task NodeBusy_JobQueued_SpawnPageShowsQueuePosition_ThenStartsWhenNodeFrees()
    {
        var user = await fixture.SlurmStudentAsync(Password);
        // Another job takes every CPU of the only node, so the student's job has to wait.
        var blocker = await UnixUsers.RunAsync("sbatch", "--parsable", "-c", await UnixUsers.RunAsync("nproc"), "-J", "blocker", "-o", "/dev/null", "--wrap", "sleep 600");
        try
        {
            Assert.Matches("^[0-9]+$", blocker);
            using var browser = new Browser(fixture.Hub.Url);
            await browser.SignInAsync(user, Password);
            var (spawn, _) = await browser.PostFormAsync($"/hub/spawn/{user}", new Dictionary<string, string> { ["next"] = $"/user/{user}/tree" });
            Assert.Equal(HttpStatusCode.Redirect, spawn.StatusCode);

            var page = "";
            for (var i = 0; i < 60 && !page.Contains("Waiting for a node: position 1", StringComparison.Ordinal); i++)
            {
                await Task.Delay(500);
                (_, page) = await browser.GetAsync($"/hub/spawn-pending/{user}");
            }

            Assert.Contains("Waiting for a node: position 1", page, StringComparison.Ordinal);
            Assert.Matches($"^[0-9]+ {user} PENDING classhub-{user}$", await SlurmCluster.QueueOfAsync(user));

            Assert.Equal("", await UnixUsers.RunAsync("scancel", blocker));
            using var api = fixture.ApiClient(await fixture.TokenAsync(user));
            await WaitReadyAsync(api, user);
            using var stop = await api.DeleteAsync($"/hub/api/users/{user}/server");
            Assert.Equal(HttpStatusCode.NoContent, stop.StatusCode);
        }
        finally
        {
            await UnixUsers.RunAsync("scancel", blocker);
        }
    }

    [Fact]
    public async Task HubRestartedWhileTheJobWaitsForANode_LeavesItQueued_ThenServesItWhenItStarts()
    {
        var user = await fixture.SlurmStudentAsync(Password);
        var token = await fixture.TokenAsync(user);
        var blocker = await UnixUsers.RunAsync("sbatch", "--parsable", "-c", await UnixUsers.RunAsync("nproc"), "-J", "blocker", "-o", "/dev/null", "--wrap", "sleep 600");
        try
        {
            using (var api = fixture.ApiClient(token))
            using (await api.PostAsync($"/hub/api/users/{user}/server", null))
            {
            }

            var queued = "";
            for (var i = 0; i < 60 && !queued.Contains("PENDING", StringComparison.Ordinal); i++)
            {
                await Task.Delay(500);
                queued = await SlurmCluster.QueueOfAsync(user);
            }

            Assert.Matches($"^[0-9]+ {user} PENDING classhub-{user}$", queued);
            await using (var restarted = await fixture.KillAndRestartAsync())
            {
                using var api = fixture.ApiClient(token);
                var model = JsonNode.Parse(await api.GetStringAsync($"/hub/api/users/{user}"))!;
                Assert.True(model["servers"]![""]!["pending"]!.GetValue<string>() == "spawn", model.ToJsonString());
                Assert.Equal(queued, await SlurmCluster.QueueOfAsync(user));
                Assert.Contains($"still waiting for the server of {user}", restarted.Output, StringComparison.Ordinal);

                Assert.Equal("", await UnixUsers.RunAsync("scancel", blocker));
                await fixture.WaitReadyAsync(api, user, TimeSpan.FromSeconds(90));
                using var status = await api.GetAsync($"/user/{user}/api/status");
                Assert.Equal(HttpStatusCode.OK, status.StatusCode);

                using var stop = await api.DeleteAsync($"/hub/api/users/{user}/server");
                Assert.Equal(HttpStatusCode.NoContent, stop.StatusCode);
                Assert.True(await GoneFromQueueAsync(user), $"the job is still in the queue: {await SlurmCluster.QueueOfAsync(user)}");
            }
        }
        finally
        {
            await UnixUsers.RunAsync("scancel", blocker);
        }

        await fixture.Hub.StartAsync(fixture.Args);
    }

    private async Task WaitReadyAsync(HttpClient api, string user)
    {
        try
        {
            await fixture.WaitReadyAsync(api, user, TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nsqueue: {await SlurmCluster.QueueOfAsync(user)}\n{cluster.Logs()}", e);
        }
    }

    private static async Task<bool> GoneFromQueueAsync(string user)
    {
        for (var i = 0; i < 80; i++)
        {
            var queue = await SlurmCluster.QueueOfAsync(user);
            if (queue.Length == 0 || queue.Contains("COMPLETED", StringComparison.Ordinal) || queue.Contains("CANCELLED", StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }
}
