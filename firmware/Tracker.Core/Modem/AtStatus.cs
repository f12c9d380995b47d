namespace Tracker.Core.Modem
{
    /// <summary>How an AT command ended (MAN §1 result codes; NF <c>AtChannel.cs</c>).</summary>
    public enum AtStatus
    {
        /// <summary>Final result <c>OK</c>.</summary>
        Ok = 0,

        /// <summary>Final result <c>ERROR</c> (also what every error looks like before <c>AT+CMEE</c>).</summary>
        Error = 1,

        /// <summary>Final result <c>+CME ERROR: &lt;err&gt;</c> (equipment or network error).</summary>
        CmeError = 2,

        /// <summary>Final result <c>+CMS ERROR: &lt;err&gt;</c> (message service error).</summary>
        CmsError = 3,

        /// <summary>No final result (or no prompt) before the command's deadline.</summary>
        Timeout = 4,

        /// <summary>
        /// The modem announced a restart (<c>RDY</c>) or a power-down (<c>NORMAL POWER DOWN</c>)
        /// while the command was pending: it lost the command and will never answer it.
        /// </summary>
        Restarted = 5,
    }
}
