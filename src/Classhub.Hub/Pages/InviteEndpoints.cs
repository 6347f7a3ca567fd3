using Classhub.Hub.Auth;
using Classhub.Hub.Hosting;
using Classhub.Storage.Invites;
using Classhub.Storage.Sessions;
using Classhub.Storage.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Classhub.Hub.Pages;

/// <summary>Invite links: a one-time page where a person chooses their password, then is signed in.</summary>
internal sealed class InviteEndpoints(
    InviteStore invites,
    UserStore users,
    SessionStore sessions,
    PasswordHasher hasher,
    SignInQueue queue,
    KdfThreads kdf,
    HubCookies cookies,
    PageRenderer pages,
    FormGuard forms,
    HubOptions options)
{
    private const int MinimumPasswordLength = 8;

    public static void Map(IEndpointRouteBuilder app)
    {
        var e = app.ServiceProvider.GetRequiredService<InviteEndpoints>();
        app.MapGet("/hub/invite/{code}", e.Show);
        app.MapPost("/hub/invite/{code}", e.Submit);
    }

    private Task Show(HttpContext context)
    {
        var code = (string)context.GetRouteValue("code")!;
        var userId = invites.Peek(code);
        var user = userId is null ? null : users.FindById(userId.Value);
        return user is null ? Expired(context) : Form(context, code, user.Name, null, StatusCodes.Status200OK);
    }

    private async Task Submit(HttpContext context)
    {
        var form = await forms.ReadAsync(context);
        if (form is null)
        {
            return;
        }

        var code = (string)context.GetRouteValue("code")!;
        var userId = invites.Peek(code);
        var user = userId is null ? null : users.FindById(userId.Value);
        if (user is null)
        {
            await Expired(context);
            return;
        }

        var password = form["password"].ToString();
        if (password.Length < MinimumPasswordLength)
        {
            await Form(context, code, user.Name, $"Choose a password of at least {MinimumPasswordLength} characters.", StatusCodes.Status400BadRequest);
            return;
        }

        if (password != form["confirm"].ToString())
        {
            await Form(context, code, user.Name, "The two passwords are not the same.", StatusCodes.Status400BadRequest);
            return;
        }

        // A class redeeming its invites in the first lesson is a sign-in burst too: the same queue and KDF threads.
        var address = LoginRateLimiter.AddressKey(context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        string hash;
        try
        {
            using var slot = await queue.EnterAsync(address, context.RequestAborted);
            if (slot is null)
            {
                var seconds = (int)Math.Ceiling(queue.EstimatedWait.TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Form(context, code, user.Name, $"Many people are signing in right now. Try again in {seconds} seconds.", StatusCodes.Status503ServiceUnavailable);
                return;
            }

            hash = await kdf.RunAsync(() => hasher.Hash(password));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The browser went away while waiting for its turn: nothing was hashed, the invite is still unused.
            return;
        }

        if (invites.Redeem(code, hash) is not { } redeemed)
        {
            await Expired(context);
            return;
        }

        cookies.SetSession(context.Response, sessions.Create(redeemed, options.SessionLifetime));
        context.Response.Redirect("/hub/home");
    }

    private Task Expired(HttpContext context) =>
        pages.Error(context, StatusCodes.Status404NotFound, "Invite link not valid", "This invite link was already used or has expired (or it is for an account that signs in with its Unix password). Ask your instructor for a new one.");

    private Task Form(HttpContext context, string code, string name, string? error, int status)
    {
        var alert = error is null ? "" : $"<p class=\"error\" role=\"alert\">{Html.E(error)}</p>";
        var body = $"""
            <section class="card narrow">
              <h1>Welcome, {Html.E(name)}</h1>
              <p>Choose a password to finish setting up your account.</p>
              {alert}
              <form method="post" action="/hub/invite/{Html.Attr(code)}">
                {pages.CsrfField(context)}
                <input type="hidden" name="username" autocomplete="username" value="{Html.Attr(name)}">
                <label for="password">New password</label>
                <input id="password" name="password" type="password" autocomplete="new-password" minlength="{MinimumPasswordLength}" required>
                <label for="confirm">Repeat the password</label>
                <input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="{MinimumPasswordLength}" required>
                <button type="submit">Set password and sign in</button>
              </form>
            </section>
            """;
        return pages.Render(context, "Set your password", body, status);
    }
}
