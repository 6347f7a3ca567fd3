using System.CommandLine;
using Classhub.Core.Users;
using Classhub.Hub.Auth;
using Classhub.Storage.Tokens;

namespace Classhub.Cli;

/// <summary><c>classhub token create NAME</c>: a new API token, printed once as the last line of stdout.</summary>
internal static class TokenCommands
{
    public static Command Create()
    {
        var token = new Command("token", "Manage API tokens");
        var name = new Argument<string>("NAME") { Description = "The user the token acts as" };
        var note = new Option<string?>("--note") { Description = "What the token is for" };
        var expiresIn = new Option<long?>("--expires-in") { Description = "Lifetime in seconds (default: no expiry)" };
        var create = new Command("create", "Create an API token (it is shown once; only its hash is stored)") { name, note, expiresIn };
        create.SetAction(parsed =>
        {
            var normalized = UserName.Normalize(parsed.GetValue(name)!);
            var seconds = parsed.GetValue(expiresIn);
            if (seconds is <= 0)
            {
                Console.Error.WriteLine("classhub token create: --expires-in must be a positive number of seconds");
                return CommandLine.Usage;
            }

            var state = HubState.Open(DataDirectory.Resolve(parsed));
            var user = state.Users.Find(normalized);
            if (user is null)
            {
                Console.Error.WriteLine($"classhub token create: no user '{normalized}'; add it first with 'classhub user add {normalized}'");
                return CommandLine.Failed;
            }

            var (secret, _) = state.Tokens.Create(user.Id, TokenKind.Api, [Scopes.Inherit], parsed.GetValue(note), seconds is { } s ? TimeSpan.FromSeconds(s) : null);
            Console.WriteLine(secret);
            return CommandLine.Ok;
        });
        token.Subcommands.Add(create);
        return token;
    }
}
