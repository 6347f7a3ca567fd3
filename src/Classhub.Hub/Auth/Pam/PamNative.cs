using System.Runtime.InteropServices;

namespace Classhub.Hub.Auth.Pam;

/// <summary>libpam (Linux-PAM), the few calls a password check needs. Layouts from security/_pam_types.h.</summary>
internal static unsafe partial class PamNative
{
    private const string Library = "libpam.so.0";

    public const int Success = 0;
    public const int ConversationError = 19;
    public const int Silent = 0x8000;
    public const int DisallowNullAuthToken = 0x0001;
    public const int FailDelayItem = 10;

    public const int PromptEchoOff = 1;
    public const int PromptEchoOn = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct Conversation
    {
        public delegate* unmanaged<int, PamMessage**, PamResponse**, void*, int> Callback;
        public void* AppData;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PamMessage
    {
        public int Style;
        public byte* Text;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PamResponse
    {
        public byte* Response;
        public int ReturnCode;
    }

    [LibraryImport(Library, EntryPoint = "pam_start", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Start(string service, string user, Conversation* conversation, nint* handle);

    [LibraryImport(Library, EntryPoint = "pam_authenticate")]
    public static partial int Authenticate(nint handle, int flags);

    [LibraryImport(Library, EntryPoint = "pam_acct_mgmt")]
    public static partial int AccountManagement(nint handle, int flags);

    [LibraryImport(Library, EntryPoint = "pam_set_item")]
    public static partial int SetItem(nint handle, int itemType, void* item);

    [LibraryImport(Library, EntryPoint = "pam_end")]
    public static partial int End(nint handle, int status);

    [LibraryImport(Library, EntryPoint = "pam_strerror")]
    public static partial byte* StrError(nint handle, int error);
}
