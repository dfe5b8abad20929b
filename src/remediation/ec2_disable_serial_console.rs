//! `ec2-disable-serial-console`: turn EC2 serial console access back off.
//!
//! Why: the serial console reaches an instance below its network: no security group, NACL or
//! SSH key stands between it and anyone with `ec2-instance-connect:SendSerialConsoleSSHPublicKey`
//! and an OS password. Off by default, it should be on only while someone is repairing an
//! instance.
//! Trigger: `ec2:EnableSerialConsoleAccess` (policy `ec2-serial-console-enabled`).
//! Calls: `GetSerialConsoleAccessStatus`; if access is on, `DisableSerialConsoleAccess`;
//! `GetSerialConsoleAccessStatus` to verify. The setting is the account's, per region: there
//! is nothing that can be gone. An organization's declarative policy that manages the setting
//! makes the disable fail (`failed`, as AWS refuses it), which is for a person to see.
//!
//! ```cedar
//! @remediation("ec2-disable-serial-console")
//! forbid (principal, action == Aws::Action::"ec2:EnableSerialConsoleAccess",
//!     resource is Aws::SerialConsole);
//! ```

use super::prelude::*;

remediation! {
    DisableSerialConsole {
        name: "ec2-disable-serial-console",
        service: "ec2",
        iam: &["ec2:GetSerialConsoleAccessStatus", "ec2:DisableSerialConsoleAccess"],
    }
    plan: |p| p.resource("SerialConsole", |region| {
        format!("turn EC2 serial console access off in `{region}`")
    }),
    revert: |_plan, aws| {
        let ec2 = aws.ec2();
        read: || setting(ec2.serial_console_enabled()),
        still_wrong: |on| on.then(|| "serial console access is still on".into()),
        act: |_| ec2.disable_serial_console(),
    },
}
