//! One SSH transport per cluster profile for the life of a Desk: every
//! submission, poll, pull and cancel of that cluster shares its master
//! connection. A profile whose connection was edited gets a new one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::connect;
use super::transport::SshTransport;
use crate::error::Result;
use crate::exec::slurm::ClusterProfile;
use crate::layout::DataDir;

#[derive(Debug, Default)]
pub struct SshConnections {
    by_profile: Mutex<HashMap<String, Arc<SshTransport>>>,
}

impl SshConnections {
    /// The profile's transport; `None` for a cluster reached from here.
    pub fn for_profile(&self, data: &DataDir, profile: &ClusterProfile) -> Result<Option<Arc<SshTransport>>> {
        let mut all = self.by_profile.lock().expect("connections lock");
        if let Some(known) = all.get(&profile.name).filter(|t| *t.spec() == profile.connection) {
            return Ok(Some(known.clone()));
        }
        let Some(conn) = connect::connection(data, profile)? else {
            all.remove(&profile.name);
            return Ok(None);
        };
        let transport = Arc::new(SshTransport::new(conn, profile.connection.clone()));
        all.insert(profile.name.clone(), transport.clone());
        Ok(Some(transport))
    }
}
