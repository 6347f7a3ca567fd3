using System.CommandLine;
using System.Text.Json;
using Classhub.Composition;
using Classhub.Configuration;
using Classhub.Core.Users;
using Classhub.Hub.Auth;
using Microsoft.Extensions.Logging.Abstractions;

namespace Classhub.Cli;

/// <summary><c>classhub user add|list|invite|disable|enable|link|unlink</c>.</summary>
internal static class UserCommands
{
    public static readonly TimeSpan InviteLifetime = TimeSpan.FromDays(7);

    public static Command Create()
    {
        var user = new Command("user", "Manage hub users");
        user.Subcommands.Add(Add());
        user.Subcommands.Add(List());
        user.Subcommands.Add(Invite());
        user.Subcommands.Add(SetDisabled("disable", true));
        user.Subcommands.Add(SetDisabled("enable", false));
        user.Subcommands.Add(Link());
        user.Subcommands.Add(Unlink());
        return user;
    }

    private static Command Add()
    {
        var name = new Argument<string>("NAME") { Description = "User name (a-z, 0-9, _ . -; also the Unix account name)" };
        var admin = new Option<bool>("--admin") { Description = "Make the user an administrator" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (never from the command line)" };
        var command = new Command("add", "Add a user") { name, admin, passwordStdin };
        command.SetAction(parsed =>
        {
            var raw = parsed.GetValue(name)!;
            var normalized = UserName.Normalize(raw);
            if (UserName.Problem(normalized) is { } problem)
            {
                return Fail($"user add: {problem}");
            }

            string? hash = null;
            if (parsed.GetValue(passwordStdin))
            {
                var password = Console.In.ReadLine() ?? "";
                if (password.Length < 8)
                {
                    return Fail("user add: the password from standard input must have at least 8 characters");
                }

                hash = new PasswordHasher(BenchIterations() ?? PasswordHasher.DefaultIterations).Hash(password);
            }

            var state = HubState.Open(DataDirectory.Resolve(parsed));
            if (state.Users.Add(normalized, parsed.GetValue(admin), hash) is null)
            {
                return Fail($"user add: user '{normalized}' already exists");
            }

            Console.WriteLine($"added user {normalized}{(parsed.GetValue(admin) ? " (admin)" : "")}");
            return CommandLine.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List users") { CommonOptions.Json };
        command.SetAction(parsed =>
        {
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var users = state.Users.List();
            if (parsed.GetValue(CommonOptions.Json))
            {
                var rows = users.Select(u => new UserListItem(u.Name, u.User.IsAdmin, u.User.IsDisabled, u.User.CreatedAt, u.User.LastActivity)).ToList();
                Console.WriteLine(JsonSerializer.Serialize(rows, CliJsonContext.Default.ListUserListItem));
                return CommandLine.Ok;
            }

            Console.WriteLine($"{"NAME",-32} {"ADMIN",-5} {"DISABLED",-8} LAST ACTIVITY");
            foreach (var u in users)
            {
                Console.WriteLine($"{u.Name,-32} {(u.User.IsAdmin ? "yes" : "no"),-5} {(u.User.IsDisabled ? "yes" : "no"),-8} {u.User.LastActivity?.ToString("u") ?? "never"}");
            }

            return CommandLine.Ok;
        });
        return command;
    }

    private static Command Invite()
    {
        var name = new Argument<string>("NAME") { Description = "User to invite (created if missing)" };
        var command = new Command("invite", "Print a one-time link, valid 7 days, where the user sets their password") { name };
        command.SetAction(parsed =>
        {
            var normalized = UserName.Normalize(parsed.GetValue(name)!);
            if (UserName.Problem(normalized) is { } problem)
            {
                return Fail($"user invite: {problem}");
            }

            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var user = state.Users.Find(normalized) ?? state.Users.Add(normalized, false);
            if (user is null)
            {
                return Fail($"user invite: could not create user '{normalized}'");
            }

            var code = state.Invites.Create(user.Id, InviteLifetime);
            Console.WriteLine(new Uri(state.PublicUrl, $"hub/invite/{code}"));
            return CommandLine.Ok;
        });
        return command;
    }

    private static Command SetDisabled(string verb, bool disabled)
    {
        var name = new Argument<string>("NAME");
        var command = new Command(verb, disabled ? "Disable a user: they cannot sign in, their sessions and tokens stop working" : "Enable a disabled user") { name };
        command.SetAction(parsed =>
        {
            var normalized = UserName.Normalize(parsed.GetValue(name)!);
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            if (!state.Users.SetDisabled(normalized, disabled))
            {
                return Fail($"user {verb}: no user '{normalized}'");
            }

            Console.WriteLine($"{verb}d {normalized}");
            return CommandLine.Ok;
        });
        return command;
    }

    private static Command Link()
    {
        var name = new Argument<string>("NAME") { Description = "Hub user" };
        var unixUser = new Option<string?>("--unix-user") { Description = "The existing Unix account to use (default: the one named NAME)" };
        var command = new Command("link", "Let an existing Unix account (not one classhub created) be the account NAME's server runs as and files go to; never root, system (uid below accounts.uid_min) or administrators' accounts")
        {
            name, unixUser,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (!Environment.IsPrivilegedProcess)
            {
                return Fail("user link: needs root (it decides which account servers run as); run it with sudo");
            }

            var normalized = UserName.Normalize(parsed.GetValue(name)!);
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var accounts = AccountRegistration.Binder(state, ConfigLocation.Load(parsed), NullLoggerFactory.Instance);
            var linked = await accounts.LinkAsync(normalized, parsed.GetValue(unixUser), cancellationToken);
            if (!linked.Ok)
            {
                return Fail($"user link: {linked.Failure.UserMessage}");
            }

            Console.WriteLine($"linked {normalized} to Unix account {linked.Value.Name} (uid {linked.Value.Uid}, home {linked.Value.Home}); their server runs as it from its next start");
            return CommandLine.Ok;
        });
        return command;
    }

    private static Command Unlink()
    {
        var name = new Argument<string>("NAME") { Description = "Hub user" };
        var command = new Command("unlink", "Forget which Unix account NAME's server runs as (the account and its home stay); classhub then creates one at the next start, if the name is free") { name };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (!Environment.IsPrivilegedProcess)
            {
                return Fail("user unlink: needs root; run it with sudo");
            }

            var normalized = UserName.Normalize(parsed.GetValue(name)!);
            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var accounts = AccountRegistration.Binder(state, ConfigLocation.Load(parsed), NullLoggerFactory.Instance);
            var unlinked = await accounts.UnlinkAsync(normalized, cancellationToken);
            if (!unlinked.Ok)
            {
                return Fail($"user unlink: {unlinked.Failure.UserMessage}");
            }

            Console.WriteLine(unlinked.Value ? $"unlinked {normalized}; stop their server if it runs (it keeps its account until then)" : $"{normalized} had no Unix account recorded");
            return CommandLine.Ok;
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"classhub {message}");
        return CommandLine.Failed;
    }

    /// <summary>
    /// Benchmark-only: CLASSHUB_BENCH_PASSWORD_ITERATIONS makes <c>user add</c> store a hash with that many PBKDF2
    /// iterations, so bench/ can measure the login path without the deliberately slow KDF. Nothing else reads it;
    /// the hasher verifies with the count stored in each hash.
    /// </summary>
    private static int? BenchIterations() =>
        int.TryParse(Environment.GetEnvironmentVariable("CLASSHUB_BENCH_PASSWORD_ITERATIONS"), System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}

internal sealed record UserListItem(string Name, bool Admin, bool Disabled, DateTimeOffset Created, DateTimeOffset? LastActivity);
