namespace Tracker.Core.Modem
{
    /// <summary>The <c>&lt;stat&gt;</c> of <c>+CEREG</c> (3GPP TS 27.007 §10.1.22; MAN §3).</summary>
    public enum RegistrationStatus
    {
        /// <summary>Not registered and not searching.</summary>
        NotSearching = 0,

        /// <summary>Registered on the home network.</summary>
        Home = 1,

        /// <summary>Not registered, searching.</summary>
        Searching = 2,

        /// <summary>Registration denied by the network.</summary>
        Denied = 3,

        /// <summary>Unknown (for example out of coverage).</summary>
        Unknown = 4,

        /// <summary>Registered, roaming.</summary>
        Roaming = 5,
    }
}
