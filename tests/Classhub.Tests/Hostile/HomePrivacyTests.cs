using System.Net;
using System.Text.Json.Nodes;
using Classhub.EndToEnd.Tests;
using Classhub.Testing.Hostile;

namespace Classhub.Tests.Hostile;

/// <summary>
/// Homes the hub makes are private: a student cannot read another student's files with <c>cat</c>, and a home an
/// earlier version left world-readable (0755) is 0700 again once the hub has started.
/// </summary>
[Collection("hub")]
public sealed class HomePrivacyTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private const string Homework = "my answer to question 3";

    [Fact]
    public async Task TwoStudentsWhoseAccountsTheHubMade_OneCannotCatTheOthersHomework()
    {
        var reader = await fixture.CreateUserAsync();
        var writer = await fixture.CreateUserAsync();
        await StartAndStopServerAsync(reader);
        await StartAndStopServerAsync(writer);
        await using var snoop = await HostileStudent.AdoptAsync(reader);
        await using var victim = await HostileStudent.AdoptAsync(writer);
        await victim.WriteFileAsync("homework.txt", Homework);

        var cat = await snoop.RunAsync("/bin/cat", Path.Combine(victim.Home, "homework.txt"));
        var list = await snoop.RunAsync("/bin/ls", victim.Home);

        Assert.False(cat.Succeeded, $"{reader} read {writer}'s homework: {cat}");
        Assert.DoesNotContain(Homework, cat.Stdout, StringComparison.Ordinal);
        Assert.False(list.Succeeded, $"{reader} listed {writer}'s home: {list}");
        Assert.Equal("700", await UnixUsers.RunAsync("stat", "-c", "%a", victim.Home));
    }

    [Fact]
    public async Task HomeTheHubMadeLeftWorldReadable_IsPrivateAfterTheHubStarts()
    {
        var hub = HubProcess.Create();
        await using (hub)
        {
            await hub.StartAsync();
            var user = UnixUsers.NewName();
            try
            {
                Assert.Equal(0, (await hub.RunCliAsync("pw-123456", "user", "add", user, "--password-stdin")).ExitCode);
                await StartAndStopServerAsync(hub, user);
                var home = await UnixUsers.RunAsync("sh", "-c", $"getent passwd {user} | cut -d: -f6");
                Assert.Equal("", await UnixUsers.RunAsync("chmod", "0755", home));
                await hub.StopAsync();

                var again = HubProcess.Create(hub.DataDir, hub.Port);
                await using (again)
                {
                    await again.StartAsync();

                    Assert.Equal("700", await UnixUsers.RunAsync("stat", "-c", "%a", home));
                }
            }
            finally
            {
                await UnixUsers.RemoveAsync([user]);
            }
        }

        Directory.Delete(hub.DataDir, recursive: true);
    }

    [Fact]
    public async Task UpgradeFromAnOlderClasshub_AccountsItMadeAreAdoptedAndMadePrivate_AnAccountOlderThanItsHubUserIsNot()
    {
        var hub = HubProcess.Create();
        await using var older = await HostileStudent.CreateAsync("old", homeMode: "0755");
        var made = UnixUsers.NewName("upg");
        try
        {
            // What an older classhub left: hub users, the account it made for one of them at its first start (after the
            // hub user, with useradd's default 0755 home), nothing recorded, and the upgrade's migration.
            Assert.Equal(0, (await hub.RunCliAsync("pw-123456", "user", "add", older.Name, "--password-stdin")).ExitCode);
            Assert.Equal(0, (await hub.RunCliAsync("pw-123456", "user", "add", made, "--password-stdin")).ExitCode);
            Assert.Equal("", await UnixUsers.RunAsync("useradd", "-m", "-s", "/bin/bash", "-K", "HOME_MODE=0755", made));
            UpgradedAt(hub, DateTimeOffset.UtcNow.AddMinutes(1));
            await using (hub)
            {
                await hub.StartAsync();

                Assert.Equal("700", await UnixUsers.RunAsync("stat", "-c", "%a", $"/home/{made}"));
                Assert.Equal("755", await UnixUsers.RunAsync("stat", "-c", "%a", older.Home));
                Assert.Contains($"adopted Unix account {made}", hub.Output, StringComparison.Ordinal);
                Assert.Contains($"hub user {older.Name} gets no server until an admin acts: a Unix account {older.Name} already exists on this server and classhub did not create it", hub.Output, StringComparison.Ordinal);
                await StartAndStopServerAsync(hub, made);
            }
        }
        finally
        {
            await UnixUsers.RemoveAsync([made]);
            Directory.Delete(hub.DataDir, recursive: true);
        }
    }

    /// <summary>As the migration does on a hub that already had users: accounts are recorded from <paramref name="when"/> on.</summary>
    private static void UpgradedAt(HubProcess hub, DateTimeOffset when)
    {
        var database = new global::Classhub.Storage.Database.HubDatabase(Path.Combine(hub.DataDir, "classhub.db"));
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO unix_accounts_since (recorded_from) VALUES ($at)";
        command.Parameters.AddWithValue("$at", when.ToUnixTimeMilliseconds());
        Assert.Equal(1, command.ExecuteNonQuery());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private Task StartAndStopServerAsync(string user) => StartAndStopServerAsync(fixture.Hub, user);

    private static async Task StartAndStopServerAsync(HubProcess hub, string user)
    {
        using var api = new HttpClient { BaseAddress = hub.Url };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", (await hub.CliAsync("token", "create", user)).LastLine);
        using var start = await api.PostAsync($"/hub/api/users/{user}/server", null);
        Assert.True(start.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, $"{(int)start.StatusCode} {await start.Content.ReadAsStringAsync()}\n{hub.Output}");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (JsonNode.Parse(await api.GetStringAsync($"/hub/api/users/{user}"))!["servers"]?[""]?["ready"]?.GetValue<bool>() != true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the server of {user} did not become ready:\n{hub.Output}");
            await Task.Delay(200);
        }

        using var stop = await api.DeleteAsync($"/hub/api/users/{user}/server");
        Assert.True(stop.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Accepted, $"{(int)stop.StatusCode}");
    }
}
