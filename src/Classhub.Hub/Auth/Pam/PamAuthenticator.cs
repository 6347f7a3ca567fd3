using System.Runtime.InteropServices;
using System.Text;
using Classhub.Core.Auth;
using Classhub.Core.Users;
using Microsoft.Extensions.Logging;

namespace Classhub.Hub.Auth.Pam;

/// <summary>
/// The server's own accounts through its PAM stack (service <c>auth.pam.service</c>: "classhub" by default, the
/// package's /etc/pam.d/classhub): pam_authenticate then pam_acct_mgmt, in-process. The password only ever sits in
/// malloc'd memory that is zeroed after use; a wrong password, an unknown, locked or expired account all give the
/// same rejection.
/// </summary>
internal sealed partial class PamAuthenticator(PamOptions options, KdfThreads kdf, ILogger<PamAuthenticator> logger) : IAuthenticator
{
    private const string Invalid = "invalid user name or password";

    // PAM modules are not all thread-safe, and a check can block (LDAP): a few at a time, on the KDF threads (pam_unix
    // hashes with yescrypt, as costly as our own KDF), never on a request thread.
    private static readonly SemaphoreSlim Gate = new(4);

    public string Id => "pam";

    public async Task<AuthOutcome> AuthenticateAsync(PasswordCredentials credentials, CancellationToken cancellationToken)
    {
        // PAM sees a C string: a NUL would cut the password short ("right\0anything" would pass).
        if (UserName.Problem(credentials.UserName) is not null || credentials.Password.Length == 0 || credentials.Password.Contains('\0', StringComparison.Ordinal))
        {
            return AuthOutcome.Rejected(Invalid);
        }

        await Gate.WaitAsync(cancellationToken);
        try
        {
            var (status, step) = await kdf.RunAsync(() => Check(options.Service, credentials.UserName, credentials.Password));
            if (status == PamNative.Success)
            {
                return AuthOutcome.Authenticated(credentials.UserName);
            }

            LogRefused(logger, credentials.UserName, options.Service, step, status);
            return AuthOutcome.Rejected(Invalid);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static unsafe (int Status, string Step) Check(string service, string user, string password)
    {
        var size = Encoding.UTF8.GetByteCount(password) + 1;
        var secret = CopyToNative(password, size);
        nint handle = 0;
        var conversation = new PamNative.Conversation { Callback = &Converse, AppData = secret };
        try
        {
            var status = PamNative.Start(service, user, &conversation, &handle);
            if (status != PamNative.Success)
            {
                return (status, "pam_start");
            }

            // The hub's own rate limiter throttles failures; PAM's fail delay would only block a thread.
            PamNative.SetItem(handle, PamNative.FailDelayItem, (delegate* unmanaged<int, uint, void*, void>)&NoFailDelay);
            status = PamNative.Authenticate(handle, PamNative.Silent | PamNative.DisallowNullAuthToken);
            if (status != PamNative.Success)
            {
                PamNative.End(handle, status);
                return (status, "pam_authenticate");
            }

            status = PamNative.AccountManagement(handle, PamNative.Silent | PamNative.DisallowNullAuthToken);
            PamNative.End(handle, status);
            return (status, "pam_acct_mgmt");
        }
        finally
        {
            NativeMemory.Clear(secret, (nuint)size);
            NativeMemory.Free(secret);
        }
    }

    /// <summary>Answers password prompts with the password and every other prompt with nothing.</summary>
    [UnmanagedCallersOnly]
    private static unsafe int Converse(int count, PamNative.PamMessage** messages, PamNative.PamResponse** responses, void* appData)
    {
        if (count <= 0 || count > 32)
        {
            return PamNative.ConversationError;
        }

        var replies = (PamNative.PamResponse*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(PamNative.PamResponse));
        var secret = (byte*)appData;
        for (var i = 0; i < count; i++)
        {
            if (messages[i]->Style == PamNative.PromptEchoOff)
            {
                var length = (nuint)MemoryMarshal.CreateReadOnlySpanFromNullTerminated(secret).Length + 1;
                var copy = (byte*)NativeMemory.Alloc(length);
                Buffer.MemoryCopy(secret, copy, (long)length, (long)length);
                replies[i].Response = copy;
            }
        }

        // PAM owns (and frees) the replies from here on.
        *responses = replies;
        return PamNative.Success;
    }

    [UnmanagedCallersOnly]
    private static unsafe void NoFailDelay(int status, uint microseconds, void* appData)
    {
    }

    /// <summary>The password as a NUL-terminated UTF-8 string in malloc'd memory (zeroed and freed by the caller).</summary>
    private static unsafe byte* CopyToNative(string password, int size)
    {
        var buffer = (byte*)NativeMemory.AllocZeroed((nuint)size);
        Encoding.UTF8.GetBytes(password, new Span<byte>(buffer, size - 1));
        return buffer;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PAM ({Service}) refused {User} at {Step} (status {Status})")]
    private static partial void LogRefused(ILogger logger, string user, string service, string step, int status);
}

/// <summary>auth.pam.service: the /etc/pam.d file to use.</summary>
internal sealed record PamOptions(string Service);
