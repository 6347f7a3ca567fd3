using System.Globalization;
using System.Text;
using Classhub.Core.Assignments;
using Classhub.Hub.Pages;

namespace Classhub.Hub.Assignments;

/// <summary>
/// One release's delivery on the course page (staff): "hw1 release 3: delivered to 18 of 20 students, 1 failed, 1
/// moved on to a later release — 0 waiting", then each failure with its reason (at most <see cref="MaxFailures"/>).
/// </summary>
internal static class DeliveryProgressView
{
    public const int MaxFailures = 10;

    public static string Render(string assignment, ReleaseDelivery p)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"status\" role=\"status\" data-delivery=\"{Html.Attr(assignment)}\" data-release=\"{p.Release}\">");
        html.Append(CultureInfo.InvariantCulture, $"{Html.E(assignment)} release {p.Release}: delivered to {p.Delivered} of {p.Total} students");
        if (p.Failed > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $", {p.Failed} failed");
        }

        if (p.MovedOn > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $", {p.MovedOn} moved on to a later release first");
        }

        html.Append(p.Finished
            ? p.Failed > 0 ? " — finished; failures are tried again every few minutes" : " — done"
            : $" — {p.Waiting} waiting, in progress (reload to update)");
        html.Append("</p>");
        if (p.Failed > 0)
        {
            html.Append("<ul class=\"delivery-failures\">");
            foreach (var failure in p.Failures.Take(MaxFailures))
            {
                html.Append(CultureInfo.InvariantCulture, $"<li><strong>{Html.E(failure.UserName)}</strong>: {Html.E(failure.Error)}</li>");
            }

            if (p.Failed > MaxFailures)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>and {p.Failed - MaxFailures} more (classhub assignment status lists them)</li>");
            }

            html.Append("</ul>");
        }

        return html.ToString();
    }
}
