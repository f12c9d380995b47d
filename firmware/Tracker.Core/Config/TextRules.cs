using Tracker.Core.Uplink;

namespace Tracker.Core.Config
{
    /// <summary>What each <see cref="TextRule"/> allows, and how a message says it.</summary>
    internal static class TextRules
    {
        /// <summary>True when every character of <paramref name="value"/> is allowed by <paramref name="rule"/>.</summary>
        /// <param name="rule">The rule.</param>
        /// <param name="value">The text.</param>
        /// <returns>Whether the text passes.</returns>
        internal static bool IsValid(TextRule rule, string value)
        {
            switch (rule)
            {
                case TextRule.ThingName:
                    return UplinkTopics.IsValidThingName(value);
                case TextRule.RuleName:
                    return UplinkTopics.IsValidRuleName(value);
                case TextRule.HostName:
                    return IsHostName(value);
                default:
                    break;
            }

            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                bool ok;
                switch (rule)
                {
                    case TextRule.AtText:
                        ok = c >= ' ' && c <= '~' && c != '"';
                        break;
                    case TextRule.Digits:
                        ok = c >= '0' && c <= '9';
                        break;
                    case TextRule.FileName:
                        ok = IsAlphanumeric(c) || c == '_' || c == '-' || (c == '.' && i > 0);
                        break;
                    default:
                        ok = c >= ' ' && c != '\u007F';
                        break;
                }

                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>What <paramref name="rule"/> allows, for a message.</summary>
        /// <param name="rule">The rule.</param>
        /// <returns>The description.</returns>
        internal static string Describe(TextRule rule)
        {
            switch (rule)
            {
                case TextRule.ThingName:
                    return "a-z A-Z 0-9 : _ - (an AWS IoT thing name)";
                case TextRule.RuleName:
                    return "a-z A-Z 0-9 _ (an AWS IoT rule name)";
                case TextRule.HostName:
                    return "a host name: a-z A-Z 0-9 - in labels separated by '.'";
                case TextRule.AtText:
                    return "printable ASCII without '\"'";
                case TextRule.Digits:
                    return "digits only";
                case TextRule.FileName:
                    return "a-z A-Z 0-9 . _ - (not starting with '.')";
                default:
                    return "no control characters";
            }
        }

        // Letters, digits, '-' and '.', with no empty label and no label starting or ending with '-' (RFC 1123 §2.1).
        private static bool IsHostName(string value)
        {
            int labelStart = 0;
            for (int i = 0; i <= value.Length; i++)
            {
                if (i == value.Length || value[i] == '.')
                {
                    if (i == labelStart || value[labelStart] == '-' || value[i - 1] == '-')
                    {
                        return false;
                    }

                    labelStart = i + 1;
                    continue;
                }

                char c = value[i];
                if (!IsAlphanumeric(c) && c != '-')
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsAlphanumeric(char c)
        {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }
    }
}
