using IopPlatform.ClinicalNotes.Features.Clinicians;
using IopPlatform.ClinicalNotes.Features.Notes;
using IopPlatform.Scheduling.Contracts;

namespace IopPlatform.ClinicalNotes.Features.GroupNotes;

/// <summary>
/// A group note follows the session's attendance: every member is on the roster with attendance recorded; an attendee
/// gets an individualised section in the note's format, an absent member none (shown as a no-show).
/// </summary>
internal static class GroupNoteMembersMatchAttendance
{
    public static List<ValidationFailure> Check(string format, IReadOnlyList<GroupMemberBody> members, IReadOnlyDictionary<Guid, AttendanceHistoryItemDto> attendance)
    {
        var failures = new List<ValidationFailure>();
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (!attendance.TryGetValue(member.EnrollmentId, out var item))
            {
                failures.Add(new ValidationFailure($"members[{i}].enrollmentId", "This patient is not on the session's roster."));
                continue;
            }
            if (item.Status is null)
            {
                failures.Add(new ValidationFailure($"members[{i}].enrollmentId", "Attendance is not recorded for this member yet; record attendance before the group note."));
                continue;
            }
            var attended = SessionLink.Attended.Contains(item.Status);
            if (attended && member.Sections is null)
            {
                failures.Add(new ValidationFailure($"members[{i}].sections", "An attendee needs an individualised section."));
            }
            else if (!attended && member.Sections is not null)
            {
                failures.Add(new ValidationFailure($"members[{i}].sections", $"This member was {item.Status}; an absent member gets no section (shown as a no-show)."));
            }
            else if (attended)
            {
                failures.AddRange(NoteFormats.Validate(format, member.Sections, $"members[{i}].sections").Select(e => new ValidationFailure(e.Field, e.Message)));
            }
        }
        return failures;
    }
}
