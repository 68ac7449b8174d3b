import { ROLES, type Role } from "../../../api/types";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { ROLE_LABEL } from "../roles";

interface RoleSelectProps {
  value: Role;
  onChange: (role: Role) => void;
  disabled?: boolean;
  /** For a <Label htmlFor>; where there is none, `label` names the select instead. */
  id?: string;
  label?: string;
  className?: string;
}

/** Every role, by its label ("Admin", "Member"). */
export function RoleSelect({ value, onChange, disabled, id, label, className }: RoleSelectProps) {
  return (
    <Select value={value} disabled={disabled} onValueChange={(choice) => onChange(choice as Role)}>
      <SelectTrigger id={id} className={className} aria-label={label}>
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        {ROLES.map((role) => (
          <SelectItem key={role} value={role}>
            {ROLE_LABEL[role]}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
